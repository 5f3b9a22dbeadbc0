import { describe, expect, it } from '@jest/globals';
import { formatIncidentRef, isIncidentRef } from './incident-ref.js';

describe('incident reference', () => {
  it.each([
    [2026, 1, 'INC-2026-0001'],
    [2026, 42, 'INC-2026-0042'],
    [2027, 12345, 'INC-2027-12345'],
  ])('%i #%i → %s', (year, n, ref) => {
    expect(formatIncidentRef(year, n)).toBe(ref);
    expect(isIncidentRef(ref)).toBe(true);
  });

  it.each(['INC-26-0001', 'inc-2026-0001', 'INC-2026-01', '2026-0001', 'INC-2026-0001x'])('%s is not a reference', (v) => {
    expect(isIncidentRef(v)).toBe(false);
  });
});
