/**
 * A regulator report as Tocsin stores and exports it (JSON schema: report-schema.ts, version
 * REPORT_SCHEMA_VERSION). Every required field of the regime is listed with its value, where the value came
 * from, or `missing`: a field Tocsin cannot fill from the records is flagged, never made up.
 */

export const REPORT_SCHEMA_VERSION = '1.0.0';

export const REPORT_KINDS = ['incident', 'hipaa_annual_log', 'pecr_monthly_log'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export const REPORT_STATUSES = ['draft', 'released', 'submitted'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Where a field's value came from. `manual`: typed in by staff on the draft. */
export const FIELD_SOURCES = [
  'incident', 'clock_facts', 'assessment', 'subjects', 'remediation', 'third_parties', 'campaigns', 'organisation', 'submissions', 'obligation', 'manual',
] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

export interface ReportField {
  id: string;
  label: string;
  /** The value as text, or null when missing. */
  value: string | null;
  status: 'present' | 'missing';
  source: FieldSource | null;
  /** The reference marks this field UNCONFIRMED (shown with it). */
  unconfirmed: string | null;
  /** A remark on how the value was read (e.g. which stand-in was used). */
  note: string | null;
}

export interface FieldChange {
  field: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface ChangesSinceLast {
  since: { reportId: string; version: number; phase: string; releasedAt: string | null };
  changes: FieldChange[];
}

export interface CampaignFigures {
  id: string;
  name: string;
  status: string;
  /** Audience jurisdictions; null = everyone affected. */
  jurisdictions: string[] | null;
  total: number;
  notifiedByChannel: Record<string, number>;
  unreachable: number;
  /** channel → reason → count. */
  unreachableReasons: Record<string, Record<string, number>>;
  firstSentAt: string | null;
  lastSentAt: string | null;
}

export interface ReportFigures {
  subjectsTotal: number;
  subjectsByJurisdiction: Record<string, number>;
  unknownJurisdiction: number;
  campaigns: CampaignFigures[];
}

/** One breach in a periodic log. */
export interface LogEntry {
  incident: { id: string; ref: string; title: string };
  fields: ReportField[];
  missingFields: string[];
}

export interface ReportDocument {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  kind: ReportKind;
  report: {
    id: string;
    version: number;
    supersedes: string | null;
    status: ReportStatus;
    generatedAt: string;
    releasedAt: string | null;
    releasedBy: string | null;
  };
  catalogVersion: string;
  regime: { id: string; name: string; citation: string };
  notification: { id: string; party: string; recipient: string; citation: string };
  phase: { id: string; kind: string };
  jurisdiction: string | null;
  /** Periodic reports: the period covered (local dates in the organisation's zone, inclusive). */
  period: { key: string; from: string; to: string } | null;
  deadline: {
    dueAt: string | null;
    qualifier: string | null;
    clockStart: { anchor: string; at: string } | null;
    /** The due time has passed (at generation) or the submission came after it. */
    late: boolean;
  };
  organisation: { name: string; timeZone: string };
  incident: { id: string; ref: string; title: string; awareAt: string } | null;
  fields: ReportField[];
  /** Ids of the required fields (periodic: `<incident ref>.<field>`) with no value. */
  missingFields: string[];
  unconfirmed: string[];
  secondary: string[];
  figures: ReportFigures | null;
  entries: LogEntry[] | null;
  changesSinceLast: ChangesSinceLast | null;
}

// ---------------------------------------------------------------------------------------------------
// What a report is built from (read by the api, passed in plain)

export interface SourceIncident {
  id: string;
  ref: string;
  title: string;
  description: string;
  status: string;
  awareAt: string;
  detectedAt: string | null;
  occurredFrom: string | null;
  occurredTo: string | null;
  containedAt: string | null;
  resolvedAt: string | null;
}

export interface SourceClockFacts {
  discoveredAt: string | null;
  breachDeterminedAt: string | null;
  classifiedMajorAt: string | null;
  materialityDeterminedAt: string | null;
  infoDeterminedAt: string | null;
  handledAt: string | null;
  cnLossCny: number | null;
}

export interface SourceAssessment {
  version: number;
  riskLevel: string;
  severityBand: string;
  severityScore: number;
  dataCategories: string[];
  approxSubjects: number | null;
  approxRecords: number | null;
  likelyConsequences: string | null;
  maliciousIntent: boolean | null;
  dataUnintelligible: boolean;
}

export interface SourceRemediation {
  kind: string;
  title: string;
  status: string;
  dueAt: string | null;
  doneAt: string | null;
}

export interface SourceThirdParty {
  name: string;
  role: string;
  dataCategories: string[];
  notifiedAt: string | null;
}

/** The texts of a campaign's default language (what the people were told). */
export interface SourceNoticeText {
  language: string;
  subject: string;
  whatHappened: string;
  measuresTaken: string;
  selfProtection: string;
  remedialMeasures: string;
  contactPoint: string;
}

export interface SourceCampaign extends CampaignFigures {
  notice: SourceNoticeText | null;
}

export interface SourceSubmission {
  regime: string;
  notificationId: string;
  phase: string;
  jurisdiction: string | null;
  submittedAt: string;
  method: string;
  reference: string | null;
}

export interface ReportSources {
  organisation: { name: string; timeZone: string; contactPoint: string | null; reporterName: string | null; reporterEmail: string | null; reporterPhone: string | null };
  incident: SourceIncident;
  clockFacts: SourceClockFacts;
  assessment: SourceAssessment | null;
  subjects: { total: number; byJurisdiction: Record<string, number>; unknownJurisdiction: number; notifiedByJurisdiction: Record<string, number> };
  remediation: SourceRemediation[];
  thirdParties: SourceThirdParty[];
  campaigns: SourceCampaign[];
  submissions: SourceSubmission[];
  /** Values typed in by staff, by field id; they take precedence. */
  manual: Record<string, string>;
}
