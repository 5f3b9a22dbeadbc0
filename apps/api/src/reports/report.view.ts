import type { ReportRow } from '#records';

/** A report for staff: its state, what is missing, and (when asked) the document. */
export function reportView(r: ReportRow, withDocument = true) {
  return {
    id: r.id,
    kind: r.kind,
    incidentId: r.incident_id,
    obligationId: r.obligation_id,
    regime: r.regime,
    notification: r.notification_id,
    phase: r.phase,
    jurisdiction: r.jurisdiction,
    period: r.period_key,
    version: r.version,
    supersedes: r.supersedes,
    status: r.status,
    contentHash: r.content_hash,
    missingFields: r.missing_fields,
    manualValues: r.manual_values,
    dueAt: r.due_at,
    generatedAt: r.generated_at,
    generatedBy: r.generated_by,
    editedBy: r.edited_by,
    releasedAt: r.released_at,
    releasedBy: r.released_by,
    submittedAt: r.submitted_at,
    schemaVersion: r.schema_version,
    ...(withDocument ? { document: r.document } : {}),
  };
}
export type ReportView = ReturnType<typeof reportView>;

/** What a regulator sees in a listing: no internal fields. */
export function regulatorReportView(r: ReportRow) {
  return {
    id: r.id,
    kind: r.kind,
    regime: r.regime,
    notification: r.notification_id,
    phase: r.phase,
    jurisdiction: r.jurisdiction,
    period: r.period_key,
    incident: r.document.incident?.ref ?? null,
    version: r.version,
    supersedes: r.supersedes,
    status: r.status,
    releasedAt: r.released_at,
    submittedAt: r.submitted_at,
  };
}
