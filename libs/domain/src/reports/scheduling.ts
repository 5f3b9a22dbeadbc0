import { DateTime } from 'luxon';

/**
 * When the scheduler acts, as pure functions of the due times and the clock: a report draft is made a lead
 * time ahead of its due time, alerts are raised as thresholds are crossed and when a deadline is missed,
 * periodic logs are made once their period has ended. Nothing depends on timers: after any downtime the
 * next tick sees what is due and does it (once: the callers key each act by obligation and threshold).
 */

export interface OpenObligation {
  /** UTC ISO; null when the law gives words, not a time. */
  dueAt: string | null;
}

/** A report draft is due once the clock is within `leadHours` of the due time; an untimed one ("immediately") at once. */
export function draftIsDue(o: OpenObligation, now: string, leadHours: number): boolean {
  if (o.dueAt === null) return true;
  return Date.parse(now) >= Date.parse(o.dueAt) - leadHours * 3_600_000;
}

export interface DeadlineAlert {
  kind: 'deadline_near' | 'deadline_missed';
  severity: 'warning' | 'critical';
  /** `T-24h`, `T-4h`, `T-1h` or `missed`: part of the alert's dedupe key. */
  threshold: string;
}

/**
 * The alert a timed, unmet obligation calls for now: `missed` once the due time has passed, else the
 * tightest threshold already crossed (after downtime, only that one: the looser ones are moot).
 */
export function deadlineAlert(o: OpenObligation, now: string, thresholdsHours: readonly number[]): DeadlineAlert | null {
  if (o.dueAt === null) return null;
  const left = Date.parse(o.dueAt) - Date.parse(now);
  if (left <= 0) return { kind: 'deadline_missed', severity: 'critical', threshold: 'missed' };
  const crossed = [...thresholdsHours].sort((a, b) => a - b).find((h) => left <= h * 3_600_000);
  if (crossed === undefined) return null;
  return { kind: 'deadline_near', severity: crossed <= 4 ? 'critical' : 'warning', threshold: `T-${crossed}h` };
}

/**
 * The periods whose log is due for generation at `now`: every period that has ended (in the organisation's
 * zone) from `fromKey` on, at most `max` of the most recent. Years `2026`, months `2026-10`.
 */
export function endedPeriods(kind: 'year' | 'month', now: string, timeZone: string, fromKey: string, max = 24): string[] {
  const local = DateTime.fromISO(now, { zone: timeZone });
  const unit = kind === 'year' ? 'year' : 'month';
  const format = kind === 'year' ? 'yyyy' : 'yyyy-MM';
  const last = local.startOf(unit).minus({ [unit + 's']: 1 });
  const first = DateTime.fromFormat(fromKey, format, { zone: timeZone });
  if (!first.isValid) throw new RangeError(`fromKey: '${fromKey}' is not a ${kind} (${format})`);
  const out: string[] = [];
  for (let p = last; p >= first && out.length < max; p = p.minus({ [unit + 's']: 1 })) out.push(p.toFormat(format));
  return out.reverse();
}
