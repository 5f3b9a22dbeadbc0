import type { AssessmentRow } from './assessment.repository.js';

export function assessmentView(r: AssessmentRow) {
  return {
    id: r.id,
    incidentId: r.incident_id,
    version: r.version,
    input: r.input,
    severity: r.result,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}
export type AssessmentView = ReturnType<typeof assessmentView>;
