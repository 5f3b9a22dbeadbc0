import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { type AnchorLookup, describeDeadline, evaluateDeadline, OrgCalendar } from './deadline-engine.js';
import type { ClockStart, Deadline } from './regime-types.js';

function lookup(cal: OrgCalendar, known: Partial<Record<string, string>>): AnchorLookup {
  return (anchor: ClockStart) => {
    const v = known[anchor];
    return v === undefined ? null : cal.instant(v);
  };
}

function due(deadline: Deadline, cal: OrgCalendar, known: Partial<Record<string, string>>): string {
  const o = evaluateDeadline(deadline, lookup(cal, known), cal);
  if (o.kind !== 'timed') throw new Error(`expected a due time, got ${o.kind}`);
  return o.dueAt.toUTC().toISO()!;
}

describe('hours run continuously on the clock (Europe/Berlin DST changes)', () => {
  const berlin = new OrgCalendar('Europe/Berlin');
  it.each([
    // aware (1 h before the change), due UTC, local wall-clock at start → at due
    ['last Sunday of March 2026 (CET → CEST)', '2026-03-29T01:00:00+01:00', '2026-04-01T00:00:00.000Z', 1, 2, '+02:00'],
    ['last Sunday of October 2026 (CEST → CET)', '2026-10-25T02:00:00+02:00', '2026-10-28T00:00:00.000Z', 2, 1, '+01:00'],
  ])('72 h from awareness %s: exactly 72 h later, the wall-clock hour shifts', (_name, aware, dueUtc, startHour, dueHour, dueOffset) => {
    const o = evaluateDeadline({ duration: 'PT72H', from: 'awareness' }, lookup(berlin, { awareness: aware }), berlin);
    expect(o.kind).toBe('timed');
    if (o.kind !== 'timed') return;
    expect(o.dueAt.toUTC().toISO()).toBe(dueUtc);
    expect(o.dueAt.diff(berlin.instant(aware), 'hours').hours).toBe(72);
    expect(berlin.instant(aware).setZone('Europe/Berlin').hour).toBe(startHour);
    expect(o.dueAt.setZone('Europe/Berlin').hour).toBe(dueHour);
    expect(o.dueAt.setZone('Europe/Berlin').toISO()).toContain(dueOffset);
  });

  it.each([
    ['PT24H', '2026-03-28T03:00:00+01:00', '2026-03-29T02:00:00.000Z'],
    ['PT4H', '2026-03-29T00:30:00+01:00', '2026-03-29T03:30:00.000Z'],
    ['PT1H', '2026-10-25T02:30:00+02:00', '2026-10-25T01:30:00.000Z'],
  ])('%s from %s is due at %s', (duration, aware, expected) => {
    expect(due({ duration, from: 'awareness' }, berlin, { awareness: aware })).toBe(expected);
  });

  it('refuses calendar units in a clock duration', () => {
    expect(() => due({ duration: 'P1D', from: 'awareness' }, berlin, { awareness: '2026-01-01T00:00:00Z' })).toThrow(/clock time/);
  });
});

describe('calendar days, counted in the organisation’s time zone, end at the end of the last day', () => {
  it.each([
    // zone, anchor, days, due (local), due (UTC)
    ['America/New_York', '2026-01-10T15:00:00-05:00', 60, '2026-03-11T23:59:59.999-04:00', '2026-03-12T03:59:59.999Z'],
    ['America/Los_Angeles', '2026-01-31T10:00:00-08:00', 30, '2026-03-02T23:59:59.999-08:00', '2026-03-03T07:59:59.999Z'],
    // 23:30 in Los Angeles is already 1 Feb in UTC: the local date counts.
    ['America/Los_Angeles', '2026-01-31T23:30:00-08:00', 30, '2026-03-02T23:59:59.999-08:00', '2026-03-03T07:59:59.999Z'],
    ['America/Los_Angeles', '2026-12-15T10:00:00-08:00', 30, '2027-01-14T23:59:59.999-08:00', '2027-01-15T07:59:59.999Z'],
    ['America/Los_Angeles', '2026-12-31T09:00:00-08:00', 15, '2027-01-15T23:59:59.999-08:00', '2027-01-16T07:59:59.999Z'],
    ['Asia/Shanghai', '2026-12-20T12:00:00+08:00', 30, '2027-01-19T23:59:59.999+08:00', '2027-01-19T15:59:59.999Z'],
  ])('%s: %s + %i days → %s', (zone, anchor, days, local, utc) => {
    const cal = new OrgCalendar(zone);
    expect(due({ days, dayType: 'calendar', from: 'discovery' }, cal, { discovery: anchor })).toBe(utc);
    expect(cal.addCalendarDays(cal.instant(anchor), days).toISO()).toBe(local);
  });

  it.each([
    // HIPAA annual log: 60 days after the end of the calendar year of discovery
    ['2026-06-15T12:00:00-04:00', '2027-03-01T23:59:59.999-05:00'],
    ['2026-12-31T23:30:00-05:00', '2027-03-01T23:59:59.999-05:00'],
    // 03:00 UTC on 1 Jan 2027 is still 31 Dec 2026 in New York
    ['2027-01-01T03:00:00Z', '2027-03-01T23:59:59.999-05:00'],
    // discovered in 2027: the deadline falls in leap year 2028 (29 Feb is day 60)
    ['2027-01-01T00:30:00-05:00', '2028-02-29T23:59:59.999-05:00'],
  ])('60 days after the end of the year of discovery %s → %s', (discovered, expected) => {
    const cal = new OrgCalendar('America/New_York');
    const yearEnd = cal.yearEnd(cal.instant(discovered));
    const o = evaluateDeadline({ days: 60, dayType: 'calendar', from: 'calendar_year_end' }, (a) => (a === 'calendar_year_end' ? yearEnd : null), cal);
    expect(o.kind === 'timed' && o.dueAt.toISO()).toBe(expected);
  });
});

describe('business days skip weekends and the organisation’s holidays', () => {
  it.each([
    // determination (New York), holidays, due date (local)
    ['Thursday', '2026-03-05T16:00:00-05:00', [], '2026-03-11'],
    ['Thursday, Monday a holiday', '2026-03-05T16:00:00-05:00', ['2026-03-09'], '2026-03-12'],
    ['Friday', '2026-03-06T09:00:00-05:00', [], '2026-03-12'],
    ['Saturday', '2026-03-07T09:00:00-05:00', [], '2026-03-12'],
    ['Sunday late evening', '2026-03-08T23:00:00-04:00', [], '2026-03-12'],
    ['Monday', '2026-03-09T09:00:00-04:00', [], '2026-03-13'],
    ['Wednesday before a 2-day holiday', '2026-11-25T10:00:00-05:00', ['2026-11-26', '2026-11-27'], '2026-12-03'],
    ['Christmas week', '2026-12-23T10:00:00-05:00', ['2026-12-25', '2027-01-01'], '2026-12-30'],
  ])('4 business days after a %s determination', (_name, at, holidays, expectedDate) => {
    const cal = new OrgCalendar('America/New_York', holidays);
    const o = evaluateDeadline({ days: 4, dayType: 'business', from: 'materiality_determination' }, lookup(cal, { materiality_determination: at }), cal);
    expect(o.kind).toBe('timed');
    if (o.kind !== 'timed') return;
    expect(o.dueAt.toISODate()).toBe(expectedDate);
    expect(o.dueAt.toFormat('HH:mm:ss.SSS')).toBe('23:59:59.999');
    expect(cal.isWorkingDay(o.dueAt)).toBe(true);
  });

  it('rejects malformed holidays and unknown time zones', () => {
    expect(() => new OrgCalendar('Europe/Berlin', ['2026-13-01'])).toThrow(/holidays/);
    expect(() => new OrgCalendar('Europe/Berlin', ['1 May'])).toThrow(/holidays/);
    expect(() => new OrgCalendar('Mars/Olympus')).toThrow(/timeZone/);
  });
});

describe('calendar months (not rolled over weekends)', () => {
  const berlin = new OrgCalendar('Europe/Berlin');
  it.each([
    // clamped to the month's last day (a Saturday, not rolled)
    ['2026-01-31T10:00:00+01:00', '2026-02-28T23:59:59.999+01:00'],
    // across the March DST change
    ['2026-03-15T10:00:00+01:00', '2026-04-15T23:59:59.999+02:00'],
    // across the year end
    ['2026-12-31T10:00:00+01:00', '2027-01-31T23:59:59.999+01:00'],
    ['2026-08-31T10:00:00+02:00', '2026-09-30T23:59:59.999+02:00'],
    ['2026-09-26T10:00:00+02:00', '2026-10-26T23:59:59.999+01:00'],
    // Saturday 17 Oct 2026 stays the due date
    ['2026-09-17T10:00:00+02:00', '2026-10-17T23:59:59.999+02:00'],
  ])('1 month after %s → %s', (from, expected) => {
    const o = evaluateDeadline({ months: 1, from: 'submission_of:notification' }, lookup(berlin, { 'submission_of:notification': from }), berlin);
    expect(o.kind === 'timed' && o.dueAt.toISO()).toBe(expected);
  });

  it('does not roll a month end that falls on a Saturday', () => {
    const o = evaluateDeadline({ months: 1, from: 'awareness' }, lookup(berlin, { awareness: '2026-09-17T10:00:00+02:00' }), berlin);
    expect(o.kind === 'timed' && o.dueAt.weekday).toBe(6);
  });
});

describe('DORA weekend/holiday relief: 12:00 of the next working day', () => {
  it.each([
    ['Saturday', '2026-03-07T10:00:00+01:00', [], '2026-03-09T12:00:00.000+01:00', true],
    ['Sunday 23:00', '2026-03-08T23:00:00+01:00', [], '2026-03-09T12:00:00.000+01:00', true],
    ['Saturday, Monday a holiday', '2026-03-07T10:00:00+01:00', ['2026-03-09'], '2026-03-10T12:00:00.000+01:00', true],
    ['a weekday holiday (1 May, Friday)', '2026-05-01T09:00:00+02:00', ['2026-05-01'], '2026-05-04T12:00:00.000+02:00', true],
    ['Friday 23:00 (a working day)', '2026-03-06T23:00:00+01:00', [], '2026-03-06T23:00:00.000+01:00', false],
    ['Monday 08:00', '2026-03-09T08:00:00+01:00', [], '2026-03-09T08:00:00.000+01:00', false],
  ])('%s', (_name, at, holidays, expected, moved) => {
    const cal = new OrgCalendar('Europe/Berlin', holidays);
    const r = cal.weekendRelief(cal.instant(at));
    expect(r.dueAt.toISO()).toBe(expected);
    expect(r.moved).toBe(moved);
  });
});

describe('earliest of, waiting clocks and qualifiers', () => {
  const utc = new OrgCalendar('UTC');
  const dora: Deadline = {
    earliestOf: [
      { duration: 'PT4H', from: 'classification_major' },
      { duration: 'PT24H', from: 'awareness' },
    ],
    ignoreDueBefore: 'classification_major',
  };
  const aware = '2026-03-02T08:00:00Z';
  it.each([
    ['classified 2 h after awareness: 4 h from classification wins', '2026-03-02T10:00:00Z', '2026-03-02T14:00:00.000Z', 'classification_major', 0],
    ['classified 21 h after awareness: 24 h from awareness wins', '2026-03-03T05:00:00Z', '2026-03-03T08:00:00.000Z', 'awareness', 0],
    ['classified exactly 20 h after: both end together', '2026-03-03T04:00:00Z', '2026-03-03T08:00:00.000Z', 'classification_major', 0],
    ['classified 30 h after awareness: the 24 h limit had run out, 4 h from classification', '2026-03-03T14:00:00Z', '2026-03-03T18:00:00.000Z', 'classification_major', 1],
  ])('%s', (_name, classified, expected, anchor, droppedNotes) => {
    const o = evaluateDeadline(dora, lookup(utc, { awareness: aware, classification_major: classified }), utc);
    expect(o.kind).toBe('timed');
    if (o.kind !== 'timed') return;
    expect(o.dueAt.toUTC().toISO()).toBe(expected);
    expect(o.clockStart.anchor).toBe(anchor);
    expect(o.notes).toHaveLength(droppedNotes);
  });

  it('waits for the classification before it gives a due time', () => {
    const o = evaluateDeadline(dora, lookup(utc, { awareness: aware }), utc);
    expect(o).toMatchObject({ kind: 'waiting', waitingFor: 'classification_major' });
  });

  it('without a floor, the earliest known candidate is the due time', () => {
    const d: Deadline = { earliestOf: [{ duration: 'PT4H', from: 'classification_major' }, { duration: 'PT24H', from: 'awareness' }] };
    expect(due(d, utc, { awareness: aware })).toBe('2026-03-03T08:00:00.000Z');
  });

  it.each<[Deadline, Partial<Record<string, string>>, string, string | null]>([
    [{ months: 1, from: 'submission_of:notification' }, {}, 'waiting', 'submission_of:notification'],
    [{ days: 15, dayType: 'calendar', from: 'notice_sent:ca_residents' }, {}, 'waiting', 'notice_sent:ca_residents'],
    [{ qualifier: 'promptly', from: 'submission_of:initial' }, {}, 'waiting', 'submission_of:initial'],
    [{ qualifier: 'promptly', from: 'submission_of:initial' }, { 'submission_of:initial': aware }, 'untimed', null],
    [{ qualifier: 'immediately', from: 'awareness' }, { awareness: aware }, 'untimed', null],
  ])('%j with %j is %s', (deadline, known, kind, waitingFor) => {
    const o = evaluateDeadline(deadline, lookup(utc, known), utc);
    expect(o.kind).toBe(kind);
    if (o.kind === 'waiting') expect(o.waitingFor).toBe(waitingFor);
    if (o.kind === 'untimed') expect(o.clockStart?.at.toUTC().toISO()).toBe(DateTime.fromISO(aware).toUTC().toISO());
  });

  it.each<[Deadline, string]>([
    [{ duration: 'PT72H', from: 'awareness', qualifier: 'without_undue_delay' }, 'without undue delay, and at the latest 72 hours on the clock from becoming aware of the incident'],
    [{ days: 4, dayType: 'business', from: 'materiality_determination' }, '4 business days after the determination that the incident is material'],
    [{ months: 1, from: 'submission_of:notification' }, '1 month after submission of the notification report'],
    [{ qualifier: 'immediately', from: 'awareness' }, 'immediately after becoming aware of the incident'],
  ])('describes %j in plain words', (deadline, words) => {
    expect(describeDeadline(deadline)).toBe(words);
  });
});
