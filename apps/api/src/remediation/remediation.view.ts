import type { RemediationActionRow } from './remediation.repository.js';

export function remediationActionView(r: RemediationActionRow) {
  return {
    id: r.id,
    incidentId: r.incident_id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    status: r.status,
    owner: r.owner,
    dueAt: r.due_at,
    doneAt: r.done_at,
    includeInNotice: r.include_in_notice,
    publicWording: r.public_wording,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type RemediationActionView = ReturnType<typeof remediationActionView>;
