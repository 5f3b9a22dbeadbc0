import type { ImportRow, SubjectRow } from './subject.repository.js';

export function subjectView(r: SubjectRow) {
  return {
    id: String(r.id),
    externalRef: r.external_ref,
    name: r.name,
    email: r.email,
    phone: r.phone,
    pushTokens: r.push_tokens,
    postalAddress: r.postal_address,
    country: r.country,
    region: r.region,
    language: r.language,
    isMinor: r.is_minor,
    guardianName: r.guardian_name,
    guardianEmail: r.guardian_email,
    guardianPhone: r.guardian_phone,
    dataCategories: r.data_categories,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type SubjectView = ReturnType<typeof subjectView>;

export function importView(r: ImportRow) {
  return {
    id: r.id,
    format: r.format,
    status: r.status,
    rowsTotal: r.rows_total,
    rowsAccepted: r.rows_accepted,
    rowsRejected: r.rows_rejected,
    inserted: r.inserted,
    updated: r.updated,
    createdBy: r.created_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
export type ImportView = ReturnType<typeof importView>;
