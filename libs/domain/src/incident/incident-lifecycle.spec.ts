import { describe, expect, it } from '@jest/globals';
import { allowedTransitions, canTransition, INCIDENT_STATUSES, type IncidentStatus, timestampStampedBy } from './incident-lifecycle.js';

describe('incident lifecycle', () => {
  it.each<[IncidentStatus, IncidentStatus, boolean]>([
    ['detected', 'triaged', true],
    ['detected', 'contained', false],
    ['detected', 'closed', false],
    ['triaged', 'contained', true],
    ['triaged', 'notifying', true],
    ['triaged', 'resolved', false],
    ['contained', 'notifying', true],
    ['contained', 'resolved', true],
    ['contained', 'detected', false],
    ['notifying', 'resolved', true],
    ['notifying', 'closed', false],
    ['resolved', 'closed', true],
    ['resolved', 'notifying', true],
    ['closed', 'triaged', true],
    ['closed', 'detected', false],
    ['closed', 'closed', false],
  ])('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('never allows staying in place and every status can be left', () => {
    for (const s of INCIDENT_STATUSES) {
      expect(allowedTransitions(s)).not.toContain(s);
      expect(allowedTransitions(s).length).toBeGreaterThan(0);
    }
  });

  it.each<[IncidentStatus, string | undefined]>([
    ['contained', 'containedAt'],
    ['resolved', 'resolvedAt'],
    ['closed', 'closedAt'],
    ['triaged', undefined],
    ['notifying', undefined],
  ])('moving to %s stamps %s', (to, stamp) => {
    expect(timestampStampedBy(to)).toBe(stamp);
  });
});
