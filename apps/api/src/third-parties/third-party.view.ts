import type { ThirdPartyRow } from './third-party.repository.js';

export function thirdPartyView(r: ThirdPartyRow) {
  return {
    id: r.id,
    incidentId: r.incident_id,
    name: r.name,
    role: r.role,
    contactName: r.contact_name,
    contactEmail: r.contact_email,
    contactPhone: r.contact_phone,
    dataCategories: r.data_categories,
    notifiedAt: r.notified_at,
    notes: r.notes,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type ThirdPartyView = ReturnType<typeof thirdPartyView>;
