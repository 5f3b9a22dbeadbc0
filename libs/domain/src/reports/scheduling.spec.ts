import { describe, expect, it } from '@jest/globals';
import { deadlineAlert, draftIsDue, endedPeriods } from './scheduling.js';

const DUE = '2026-11-05T08:00:00.000Z';

describe('when a draft is made', () => {
  it.each<[string, string | null, string, number, boolean]>([
    ['well before the lead time', DUE, '2026-11-04T07:59:59Z', 24, false],
    ['exactly at the lead time', DUE, '2026-11-04T08:00:00Z', 24, true],
    ['after the due time (missed, still drafted)', DUE, '2026-11-06T00:00:00Z', 24, true],
    ['a shorter lead', DUE, '2026-11-05T05:00:00Z', 2, false],
    ['an untimed obligation ("immediately")', null, '2026-01-01T00:00:00Z', 24, true],
  ])('%s', (_name, dueAt, now, lead, expected) => {
    expect(draftIsDue({ dueAt }, now, lead)).toBe(expected);
  });
});

describe('which alert a deadline calls for', () => {
  it.each<[string, string, string | null, string | null]>([
    ['more than a day left', '2026-11-04T07:00:00Z', null, null],
    ['24 h left', '2026-11-04T08:00:00Z', 'T-24h', 'warning'],
    ['5 h left', '2026-11-05T03:00:00Z', 'T-24h', 'warning'],
    ['4 h left', '2026-11-05T04:00:00Z', 'T-4h', 'critical'],
    ['30 min left (after downtime: only the tightest)', '2026-11-05T07:30:00Z', 'T-1h', 'critical'],
    ['due now', DUE, 'missed', 'critical'],
    ['long past', '2026-12-01T00:00:00Z', 'missed', 'critical'],
  ])('%s', (_name, now, threshold, severity) => {
    const alert = deadlineAlert({ dueAt: DUE }, now, [24, 4, 1]);
    expect(alert?.threshold ?? null).toBe(threshold);
    expect(alert?.severity ?? null).toBe(severity);
  });

  it('raises nothing for an untimed obligation', () => {
    expect(deadlineAlert({ dueAt: null }, '2026-12-01T00:00:00Z', [24, 4, 1])).toBeNull();
  });
});

describe('which periodic logs are due', () => {
  it.each<[string, 'year' | 'month', string, string, string, string[]]>([
    ['a year ends at local midnight (Berlin)', 'year', '2026-12-31T23:30:00Z', 'Europe/Berlin', '2025', ['2025', '2026']],
    ['not yet in New York', 'year', '2027-01-01T03:00:00Z', 'America/New_York', '2025', ['2025']],
    ['months since a start, up to the last ended one', 'month', '2026-11-24T12:00:00Z', 'Europe/London', '2026-08', ['2026-08', '2026-09', '2026-10']],
    ['nothing ended since the start', 'month', '2026-11-24T12:00:00Z', 'Europe/London', '2026-11', []],
  ])('%s', (_name, kind, now, zone, from, expected) => {
    expect(endedPeriods(kind, now, zone, from)).toEqual(expected);
  });

  it('keeps at most the most recent periods', () => {
    expect(endedPeriods('month', '2026-11-24T12:00:00Z', 'UTC', '2020-01', 3)).toEqual(['2026-08', '2026-09', '2026-10']);
  });
});
