import type { ObligationRow, SubmissionRow } from '#records';

/** Where an obligation stands for the team, read at `now`. */
export type ObligationState = 'submitted' | 'overdue' | 'due' | 'waiting' | 'not_applicable' | 'withdrawn';

export function submissionView(s: SubmissionRow) {
  return {
    id: s.id,
    obligationId: s.obligation_id,
    regime: s.regime,
    notification: s.notification_id,
    phase: s.phase,
    jurisdiction: s.jurisdiction,
    submittedAt: s.submitted_at,
    method: s.method,
    reference: s.reference,
    notes: s.notes,
    reportId: s.report_id,
    recordedBy: s.recorded_by,
    createdAt: s.created_at,
  };
}
export type SubmissionView = ReturnType<typeof submissionView>;

/** One obligation with its countdown: seconds to the due time (negative once passed) and whether it is overdue. */
export function obligationView(r: ObligationRow, now: Date, submissions: readonly SubmissionRow[] = []) {
  const o = r.derived;
  const due = r.due_at;
  const submitted = r.submitted_at;
  const open = r.status === 'due' && submitted === null;
  const overdue = open && due !== null && due.getTime() < now.getTime();
  const state: ObligationState = r.status === 'due' ? (submitted ? 'submitted' : overdue ? 'overdue' : 'due') : r.status;
  return {
    id: r.id,
    key: r.key,
    regime: r.regime,
    notification: r.notification_id,
    party: r.party,
    recipient: o.recipient,
    jurisdiction: r.jurisdiction,
    phase: r.phase,
    phaseKind: r.phase_kind,
    status: r.status,
    state,
    dueAt: due,
    dueInSeconds: due && r.status === 'due' ? Math.floor((due.getTime() - now.getTime()) / 1000) : null,
    overdue,
    submittedLate: submitted !== null && due !== null && submitted.getTime() > due.getTime(),
    qualifier: r.qualifier,
    waitingFor: o.waitingFor,
    clockStart: o.clockStart,
    submittedAt: submitted,
    content: o.content,
    reasons: o.reasons,
    notes: o.notes,
    /** Parts resting on facts the reference marks UNCONFIRMED: shown, never silently treated as law. */
    unconfirmed: o.unconfirmed,
    secondary: o.secondary,
    citation: o.citation,
    catalogVersion: r.catalog_version,
    changedAt: r.changed_at,
    submissions: submissions.filter((s) => s.obligation_id === r.id).map(submissionView),
  };
}
export type ObligationView = ReturnType<typeof obligationView>;
