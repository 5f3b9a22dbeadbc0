import { DateTime, Duration, IANAZone } from 'luxon';
import type { ClockStart, Deadline, Qualifier } from './regime-types.js';

/**
 * The deadline engine: turns a catalog deadline and the moments the clocks started into a due time.
 * Conventions (shared/reference/regulations.md, "Clock conventions"):
 * - durations (`PT72H`) run continuously on the clock: nights, weekends and DST changes included, so the
 *   wall-clock hour of the due time shifts when the period crosses a DST change;
 * - days and months are counted in the organisation's time zone, from the day after the clock start,
 *   and the period ends at the end (23:59:59.999) of its last day;
 * - business days skip Saturdays, Sundays and the organisation's configured holidays (ISO dates);
 * - a period ending on a weekend or holiday is never rolled forward, except by an explicit calendar
 *   rule (DORA's opt-in relief to 12:00 of the next working day).
 * Pure: no clock is read; the same input always gives the same output.
 */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The organisation's calendar: time zone and holidays. */
export class OrgCalendar {
  readonly timeZone: string;
  private readonly holidays: ReadonlySet<string>;

  constructor(timeZone: string, holidays: readonly string[] = []) {
    if (!IANAZone.isValidZone(timeZone)) throw new RangeError(`timeZone: '${timeZone}' is not an IANA time zone`);
    for (const day of holidays) {
      if (!ISO_DATE.test(day) || !DateTime.fromISO(day, { zone: timeZone }).isValid) {
        throw new RangeError(`holidays: '${day}' is not an ISO date (YYYY-MM-DD)`);
      }
    }
    this.timeZone = timeZone;
    this.holidays = new Set(holidays);
  }

  /** An ISO 8601 instant read in this calendar's zone (a value without offset is local time). */
  instant(iso: string, field = 'timestamp'): DateTime {
    const dt = DateTime.fromISO(iso, { zone: this.timeZone });
    if (!dt.isValid) throw new RangeError(`${field}: '${iso}' is not an ISO 8601 timestamp`);
    return dt;
  }

  isHoliday(at: DateTime): boolean {
    return this.holidays.has(at.setZone(this.timeZone).toISODate()!);
  }

  /** Monday to Friday and not a configured holiday, in the organisation's time zone. */
  isWorkingDay(at: DateTime): boolean {
    const local = at.setZone(this.timeZone);
    return local.weekday <= 5 && !this.isHoliday(local);
  }

  /** Adds clock time (hours, minutes, seconds only); it runs continuously. */
  addClock(at: DateTime, isoDuration: string): DateTime {
    const d = Duration.fromISO(isoDuration);
    if (!d.isValid) throw new RangeError(`duration: '${isoDuration}' is not an ISO 8601 duration`);
    if (d.years || d.quarters || d.months || d.weeks || d.days) {
      throw new RangeError(`duration: '${isoDuration}' must be clock time (PTnH / PTnM); use days or months instead`);
    }
    return at.setZone(this.timeZone).plus(d);
  }

  /** The end of the `n`th calendar day after the local date of `at`. */
  addCalendarDays(at: DateTime, n: number): DateTime {
    positiveInteger(n, 'days');
    return at.setZone(this.timeZone).startOf('day').plus({ days: n }).endOf('day');
  }

  /** The end of the `n`th working day after the local date of `at`. */
  addBusinessDays(at: DateTime, n: number): DateTime {
    positiveInteger(n, 'days');
    let day = at.setZone(this.timeZone).startOf('day');
    let counted = 0;
    while (counted < n) {
      day = day.plus({ days: 1 });
      if (this.isWorkingDay(day)) counted += 1;
    }
    return day.endOf('day');
  }

  /** The end of the same local date `n` months later (clamped to the month's last day: 31 Jan → 28/29 Feb). */
  addMonths(at: DateTime, n: number): DateTime {
    positiveInteger(n, 'months');
    return at.setZone(this.timeZone).startOf('day').plus({ months: n }).endOf('day');
  }

  /** The last instant of the local calendar year of `at`. */
  yearEnd(at: DateTime): DateTime {
    return at.setZone(this.timeZone).endOf('year');
  }

  /** DORA relief: a due time on a weekend or holiday moves to 12:00 of the next working day; others stay. */
  weekendRelief(due: DateTime): { dueAt: DateTime; moved: boolean } {
    const local = due.setZone(this.timeZone);
    if (this.isWorkingDay(local)) return { dueAt: local, moved: false };
    let day = local.startOf('day');
    do day = day.plus({ days: 1 });
    while (!this.isWorkingDay(day));
    return { dueAt: day.set({ hour: 12 }), moved: true };
  }
}

function positiveInteger(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: ${n} must be a positive whole number`);
}

/** The moment a clock started, or null while it has not. */
export type AnchorLookup = (anchor: ClockStart) => DateTime | null;

export interface ClockStartAt {
  anchor: ClockStart;
  at: DateTime;
}

export type DeadlineOutcome =
  /** A due time is known. */
  | { kind: 'timed'; dueAt: DateTime; clockStart: ClockStartAt; qualifier: Qualifier | null; notes: string[] }
  /** The law gives words, not a time (e.g. "immediately"); the clock has started. */
  | { kind: 'untimed'; qualifier: Qualifier; clockStart: ClockStartAt | null; notes: string[] }
  /** The clock has not started: it waits for this event. */
  | { kind: 'waiting'; waitingFor: ClockStart; qualifier: Qualifier | null; notes: string[] };

/** Evaluates one deadline against the clock starts known so far. */
export function evaluateDeadline(deadline: Deadline, anchors: AnchorLookup, calendar: OrgCalendar): DeadlineOutcome {
  if ('earliestOf' in deadline) return evaluateEarliestOf(deadline, anchors, calendar);
  const qualifier = deadline.qualifier ?? null;
  if (!('duration' in deadline) && !('days' in deadline) && !('months' in deadline)) {
    // A qualifier alone.
    if (deadline.from === undefined) return { kind: 'untimed', qualifier: deadline.qualifier, clockStart: null, notes: [] };
    const at = anchors(deadline.from);
    if (at === null) return { kind: 'waiting', waitingFor: deadline.from, qualifier, notes: [] };
    return { kind: 'untimed', qualifier: deadline.qualifier, clockStart: { anchor: deadline.from, at }, notes: [] };
  }
  const at = anchors(deadline.from);
  if (at === null) return { kind: 'waiting', waitingFor: deadline.from, qualifier, notes: [] };
  const clockStart = { anchor: deadline.from, at };
  if ('duration' in deadline) {
    return { kind: 'timed', dueAt: calendar.addClock(at, deadline.duration), clockStart, qualifier, notes: [] };
  }
  if ('days' in deadline) {
    const dueAt = deadline.dayType === 'business' ? calendar.addBusinessDays(at, deadline.days) : calendar.addCalendarDays(at, deadline.days);
    return { kind: 'timed', dueAt, clockStart, qualifier, notes: [] };
  }
  return { kind: 'timed', dueAt: calendar.addMonths(at, deadline.months), clockStart, qualifier, notes: [] };
}

function evaluateEarliestOf(
  deadline: Extract<Deadline, { earliestOf: readonly Deadline[] }>,
  anchors: AnchorLookup,
  calendar: OrgCalendar,
): DeadlineOutcome {
  const qualifier = deadline.qualifier ?? null;
  let floor: DateTime | null = null;
  if (deadline.ignoreDueBefore !== undefined) {
    floor = anchors(deadline.ignoreDueBefore);
    if (floor === null) return { kind: 'waiting', waitingFor: deadline.ignoreDueBefore, qualifier, notes: [] };
  }
  const outcomes = deadline.earliestOf.map((d) => evaluateDeadline(d, anchors, calendar));
  const timed = outcomes.filter((o): o is Extract<DeadlineOutcome, { kind: 'timed' }> => o.kind === 'timed');
  if (timed.length === 0) {
    const waiting = outcomes.find((o) => o.kind === 'waiting');
    if (waiting) return { ...waiting, qualifier };
    throw new RangeError('earliestOf: no candidate has a time');
  }
  const eligible = floor === null ? timed : timed.filter((o) => o.dueAt >= floor);
  const notes: string[] = [];
  const dropped = timed.filter((o) => !eligible.includes(o));
  for (const o of dropped) {
    notes.push(
      `The limit counted from ${describeClockStart(o.clockStart.anchor)} ran out before ${describeClockStart(deadline.ignoreDueBefore!)}, so it is not used.`,
    );
  }
  const pool = eligible.length > 0 ? eligible : [timed.reduce((a, b) => (b.dueAt > a.dueAt ? b : a))];
  const best = pool.reduce((a, b) => (b.dueAt < a.dueAt ? b : a));
  return { kind: 'timed', dueAt: best.dueAt, clockStart: best.clockStart, qualifier: qualifier ?? best.qualifier, notes };
}

const CLOCK_START_WORDS: Record<string, string> = {
  awareness: 'becoming aware of the incident',
  discovery: 'discovery of the breach',
  breach_determination: 'the determination that the breach occurred',
  classification_major: 'classification of the incident as major',
  materiality_determination: 'the determination that the incident is material',
  info_determined: 'the information missing from the first filing being determined',
  incident_handled: 'the end of incident handling',
  calendar_year_end: 'the end of the calendar year of discovery',
};

/** A clock start in plain words. */
export function describeClockStart(anchor: ClockStart): string {
  if (anchor.startsWith('submission_of:')) return `submission of the ${anchor.slice('submission_of:'.length).replace(/_/g, ' ')} report`;
  if (anchor.startsWith('notice_sent:')) return `sending the notice '${anchor.slice('notice_sent:'.length)}'`;
  return CLOCK_START_WORDS[anchor] ?? anchor;
}

/** The deadline in plain words (e.g. "72 hours on the clock from becoming aware of the incident"). */
export function describeDeadline(deadline: Deadline): string {
  if ('earliestOf' in deadline) return `the earliest of: ${deadline.earliestOf.map(describeDeadline).join('; ')}`;
  const q = deadline.qualifier ? deadline.qualifier.replace(/_/g, ' ') : null;
  if ('duration' in deadline) {
    const d = Duration.fromISO(deadline.duration).shiftTo('hours');
    return `${q ? `${q}, and at the latest ` : ''}${d.hours} hours on the clock from ${describeClockStart(deadline.from)}`;
  }
  if ('days' in deadline) {
    return `${q ? `${q}, and at the latest ` : ''}${deadline.days} ${deadline.dayType} days after ${describeClockStart(deadline.from)}`;
  }
  if ('months' in deadline) {
    return `${q ? `${q}, and at the latest ` : ''}${deadline.months} month${deadline.months > 1 ? 's' : ''} after ${describeClockStart(deadline.from)}`;
  }
  return `${q ?? ''}${deadline.from ? ` after ${describeClockStart(deadline.from)}` : ''}`;
}
