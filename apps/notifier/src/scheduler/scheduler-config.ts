/** The report scheduler's tuning, from the environment. */
export interface SchedulerConfig {
  /** A report draft is made this long before its due time (REPORT_LEAD_HOURS, default 24). */
  leadHours: number;
  /** Alerts as a deadline comes within these hours (REPORT_ALERT_HOURS, default "24,4,1"), and when it is missed. */
  alertHours: number[];
  /** Turn the scheduler off in this process (REPORT_SCHEDULER=off). */
  enabled: boolean;
}

export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

export function schedulerConfigFromEnv(env: NodeJS.ProcessEnv): SchedulerConfig {
  const lead = env.REPORT_LEAD_HOURS === undefined || env.REPORT_LEAD_HOURS === '' ? 24 : Number(env.REPORT_LEAD_HOURS);
  if (!Number.isFinite(lead) || lead < 0 || lead > 24 * 90) throw new Error('REPORT_LEAD_HOURS must be a number of hours between 0 and 2160');
  const alertHours = (env.REPORT_ALERT_HOURS ?? '24,4,1').split(',').map((s) => Number(s.trim()));
  if (alertHours.length === 0 || alertHours.some((h) => !Number.isFinite(h) || h <= 0 || h > 24 * 90)) {
    throw new Error('REPORT_ALERT_HOURS must be a comma-separated list of positive hours, e.g. 24,4,1');
  }
  return { leadHours: lead, alertHours: [...new Set(alertHours)].sort((a, b) => b - a), enabled: env.REPORT_SCHEDULER !== 'off' };
}
