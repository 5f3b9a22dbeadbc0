import { allowedTransitions } from '#domain';
import type { IncidentRow } from './incident.repository.js';

export function incidentView(r: IncidentRow) {
  return {
    id: r.id,
    ref: r.ref,
    title: r.title,
    description: r.description,
    status: r.status,
    allowedTransitions: allowedTransitions(r.status),
    severity: r.severity_band ? { band: r.severity_band, riskLevel: r.risk_level } : null,
    detectedAt: r.detected_at,
    awareAt: r.aware_at,
    occurredFrom: r.occurred_from,
    occurredTo: r.occurred_to,
    containedAt: r.contained_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    version: r.version,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
export type IncidentView = ReturnType<typeof incidentView>;
