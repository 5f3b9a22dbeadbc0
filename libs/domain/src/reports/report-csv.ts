import { HIPAA_LOG_FIELDS, PECR_LOG_FIELDS } from './build-report.js';
import type { ReportDocument } from './report-types.js';

/**
 * CSV exports (RFC 4180: comma, CRLF, fields quoted when needed). A cell that a spreadsheet would run as a
 * formula (starting with = + - @ or a tab/return) is prefixed with an apostrophe.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

/**
 * An incident report as rows of `section,key,label,value,status,source`: the report's identity and deadline,
 * every required field (value empty and status `missing` when missing), then the aggregates (people per
 * jurisdiction; per campaign: notified per channel and unreachable per reason).
 * A periodic log: one row per breach, one column per log field, plus `missing_fields`; a nil return has
 * only the header.
 */
export function reportCsv(doc: ReportDocument): string {
  if (doc.entries !== null) return logCsv(doc);
  let out = csvLine(['section', 'key', 'label', 'value', 'status', 'source']);
  const meta: [string, string, string | number | null][] = [
    ['report_id', 'Report', doc.report.id],
    ['version', 'Version', doc.report.version],
    ['status', 'Status', doc.report.status],
    ['regime', 'Regime', doc.regime.id],
    ['notification', 'Notification', doc.notification.id],
    ['recipient', 'Recipient', doc.notification.recipient],
    ['phase', 'Phase', doc.phase.id],
    ['jurisdiction', 'Jurisdiction', doc.jurisdiction],
    ['incident', 'Incident', doc.incident?.ref ?? null],
    ['due_at', 'Due', doc.deadline.dueAt],
    ['late', 'Late', doc.deadline.late ? 'yes' : 'no'],
    ['generated_at', 'Generated', doc.report.generatedAt],
  ];
  for (const [key, label, value] of meta) out += csvLine(['report', key, label, value, '', '']);
  for (const f of doc.fields) out += csvLine(['field', f.id, f.label, f.value, f.status, f.source]);
  if (doc.figures) {
    out += csvLine(['subjects', 'total', 'People affected', doc.figures.subjectsTotal, '', 'subjects']);
    for (const [code, n] of Object.entries(doc.figures.subjectsByJurisdiction).sort(([a], [b]) => (a < b ? -1 : 1))) out += csvLine(['subjects', code, `People affected in ${code}`, n, '', 'subjects']);
    if (doc.figures.unknownJurisdiction) out += csvLine(['subjects', 'unknown', 'People affected, jurisdiction unknown', doc.figures.unknownJurisdiction, '', 'subjects']);
    for (const c of doc.figures.campaigns) {
      out += csvLine([`campaign:${c.id}`, 'total', `${c.name}: people in the campaign`, c.total, c.status, 'campaigns']);
      for (const [channel, n] of Object.entries(c.notifiedByChannel)) out += csvLine([`campaign:${c.id}`, `notified:${channel}`, `${c.name}: notified by ${channel}`, n, '', 'campaigns']);
      out += csvLine([`campaign:${c.id}`, 'unreachable', `${c.name}: unreachable`, c.unreachable, '', 'campaigns']);
      for (const [channel, reasons] of Object.entries(c.unreachableReasons)) {
        for (const [reason, n] of Object.entries(reasons)) out += csvLine([`campaign:${c.id}`, `unreachable:${channel}:${reason}`, `${c.name}: unreachable on ${channel} (${reason})`, n, '', 'campaigns']);
      }
      out += csvLine([`campaign:${c.id}`, 'first_sent_at', `${c.name}: first notice`, c.firstSentAt, '', 'campaigns']);
      out += csvLine([`campaign:${c.id}`, 'last_sent_at', `${c.name}: last notice`, c.lastSentAt, '', 'campaigns']);
    }
  }
  return out;
}

function logCsv(doc: ReportDocument): string {
  const columns = (doc.kind === 'hipaa_annual_log' ? HIPAA_LOG_FIELDS : PECR_LOG_FIELDS).map((f) => f.id);
  let out = csvLine(['incident_ref', 'incident_title', ...columns, 'missing_fields']);
  for (const e of doc.entries!) {
    const byId = new Map(e.fields.map((f) => [f.id, f.value]));
    out += csvLine([e.incident.ref, e.incident.title, ...columns.map((c) => byId.get(c) ?? null), e.missingFields.join(' ')]);
  }
  return out;
}
