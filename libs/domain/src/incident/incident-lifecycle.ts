export const INCIDENT_STATUSES = ['detected', 'triaged', 'contained', 'notifying', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/**
 * Allowed moves. Notifying may start before containment (people must be told while an attack goes on);
 * an incident that needs no notice goes from contained straight to resolved; a closed incident can be
 * reopened for triage when new facts appear.
 */
const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  detected: ['triaged'],
  triaged: ['contained', 'notifying'],
  contained: ['notifying', 'resolved'],
  notifying: ['contained', 'resolved'],
  resolved: ['closed', 'notifying'],
  closed: ['triaged'],
};

export function allowedTransitions(from: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The timestamp a transition stamps, when it is not set yet. */
export function timestampStampedBy(to: IncidentStatus): 'containedAt' | 'resolvedAt' | 'closedAt' | undefined {
  switch (to) {
    case 'contained':
      return 'containedAt';
    case 'resolved':
      return 'resolvedAt';
    case 'closed':
      return 'closedAt';
    default:
      return undefined;
  }
}
