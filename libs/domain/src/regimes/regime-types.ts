/**
 * The shape of the regime catalog: which laws ask whom to be told, in which phases, by when, and with
 * what content. Every fact comes from shared/reference/regulations.md; its markers are kept:
 * `basis: 'S'` = reliable secondary summaries only, `unconfirmed: true` = not verified (shown to users
 * as such, never silently treated as law).
 */

export const REGIME_IDS = [
  'EU_GDPR',
  'UK_GDPR',
  'CN_PIPL',
  'CN_CAC_2025',
  'US_HIPAA',
  'US_CA',
  'US_NY',
  'US_TX',
  'EU_NIS2',
  'EU_DORA',
  'US_SEC_8K',
] as const;
export type RegimeId = (typeof REGIME_IDS)[number];

/** Who receives a notification. */
export const PARTIES = [
  'authority',
  'individuals',
  'media',
  'data_owner',
  'investors',
  'controller',
  'covered_entity',
  'consumer_reporting_agencies',
  'service_recipients',
  'clients',
] as const;
export type Party = (typeof PARTIES)[number];

export const PHASE_KINDS = ['initial', 'intermediate', 'final', 'periodic', 'supplement'] as const;
export type PhaseKind = (typeof PHASE_KINDS)[number];

/** Deadlines the law states in words, without hours or days. */
export const QUALIFIERS = [
  'without_undue_delay',
  'without_unreasonable_delay',
  'immediately',
  'promptly',
  'contemporaneous',
  'as_soon_as_practicable',
  'monthly',
  /** The reference gives no time at all for this notice. */
  'unspecified',
] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

/** Fixed clock starts; `submission_of:<phase>` and `notice_sent:<obligationId>` are the two open forms. */
export const FIXED_CLOCK_STARTS = [
  'awareness',
  'discovery',
  'breach_determination',
  'classification_major',
  'materiality_determination',
  'info_determined',
  'incident_handled',
  'calendar_year_end',
] as const;
export type FixedClockStart = (typeof FIXED_CLOCK_STARTS)[number];
export type ClockStart = FixedClockStart | `submission_of:${string}` | `notice_sent:${string}`;

export type DayType = 'calendar' | 'business';

interface DeadlineBase {
  /** The words the law puts next to the figure (e.g. "without undue delay and at the latest …"). */
  qualifier?: Qualifier;
}

/** Clock time that runs continuously (weekends, nights and DST changes included): ISO 8601 `PT72H`. */
export interface DurationDeadline extends DeadlineBase {
  duration: string;
  from: ClockStart;
}

/** Whole days in the organisation's time zone; the period ends at the end of the last day. */
export interface DaysDeadline extends DeadlineBase {
  days: number;
  dayType: DayType;
  from: ClockStart;
}

/** Calendar months in the organisation's time zone, ending at the end of the same date (clamped to month end). */
export interface MonthsDeadline extends DeadlineBase {
  months: number;
  from: ClockStart;
}

/**
 * The earliest of several limits. `ignoreDueBefore`: candidates that fall before that clock start are
 * dropped (a limit that ran out before the duty arose cannot be met; DORA, classification after 24 h).
 */
export interface EarliestOfDeadline extends DeadlineBase {
  earliestOf: readonly Deadline[];
  ignoreDueBefore?: ClockStart;
}

/** A qualifier without any time; `from` says what must have happened first (if anything). */
export interface QualifierDeadline {
  qualifier: Qualifier;
  from?: ClockStart;
}

export type Deadline = DurationDeadline | DaysDeadline | MonthsDeadline | EarliestOfDeadline | QualifierDeadline;

/**
 * A remark attached to a catalog item. `unconfirmed: true` = the reference marks it UNCONFIRMED;
 * `secondary: true` = it rests on secondary summaries [S] only. Every derived obligation relying on the
 * item repeats the note.
 */
export interface Caveat {
  note: string;
  unconfirmed?: true;
  secondary?: true;
}

/** A required report or notice field. */
export interface ContentField {
  id: string;
  label: string;
  unconfirmed?: true;
  note?: string;
}

export interface PhaseDef {
  /** What a submission records as its phase (e.g. `initial`, `early_warning`, `final`). */
  id: string;
  kind: PhaseKind;
  deadline: Deadline;
  content?: readonly ContentField[];
  /** Content the report must add when it goes out after the deadline. */
  lateRequires?: readonly ContentField[];
  /** Several submissions of this phase are expected (follow-ups, updated reports). */
  repeatable?: boolean;
  caveats?: readonly Caveat[];
  /**
   * NIS2: if the incident is still ongoing when the final report falls due, a progress report is due
   * then and the final report runs from the end of handling.
   */
  ifStillOngoing?: { progressPhase: string; finalDeadline: Deadline; note: string };
  /** A different limit for organisations of one sector (organisation fact `sector`). */
  sectorOverrides?: readonly { sector: string; deadline: Deadline; caveat: Caveat }[];
}

/** A way to reach people when individual notice is impossible or disproportionate. */
export interface SubstituteRule {
  /** When it may be used, in plain words. */
  when: string;
  /** All of these (or, with `anyOf`, one of these). */
  methods: readonly string[];
  anyOf?: boolean;
  /** Additional measures that go with it. */
  plus?: readonly string[];
  /** ISO 8601 minimum duration of a web posting or phone line; null = the law sets none. */
  minimumDuration?: string | null;
  basis?: 'P' | 'S';
  unconfirmed?: true;
  note?: string;
}

export interface NotificationDef {
  /** Unique across the catalog: notices sent refer to it by this id alone. */
  id: string;
  party: Party;
  /** Who exactly, in plain words. */
  recipient: string;
  /** When it applies, in plain words (the derivation code implements it). */
  condition: string;
  citation: string;
  basis: 'P' | 'S';
  phases: readonly PhaseDef[];
  content?: readonly ContentField[];
  substitute?: readonly SubstituteRule[];
  exemptions?: readonly string[];
  caveats?: readonly Caveat[];
}

export interface RecordsRule {
  description: string;
  /** ISO 8601 retention, or null when the law sets none (or it is unknown: see the caveat). */
  retention: string | null;
  citation?: string;
  unconfirmed?: true;
  note?: string;
}

export interface DelayRule {
  description: string;
  max: string | null;
  basis: 'P' | 'S';
  unconfirmed?: true;
  note?: string;
}

export interface GradeThresholds {
  levels: readonly CnGrade[];
  peopleMin: Readonly<Record<Exclude<CnGrade, 'general'>, number>>;
  lossCnyMin: Readonly<Record<Exclude<CnGrade, 'general'>, number>>;
  reportFrom: CnGrade;
}

export const CN_GRADES = ['general', 'relatively_major', 'major', 'particularly_major'] as const;
export type CnGrade = (typeof CN_GRADES)[number];

export interface CalendarRule {
  kind: 'weekend_relief_noon_next_working_day';
  description: string;
  /** Applied only when the organisation opts in. */
  optIn: true;
  basis: 'S';
  caveats: readonly Caveat[];
}

export interface RegimeEntry {
  id: RegimeId;
  name: string;
  citation: string;
  sources: readonly string[];
  /** When the regime is in scope at all, in plain words. */
  scope: string;
  /** How its limits are counted (hours on the clock, calendar days, business days). */
  clockConvention: string;
  notifications: readonly NotificationDef[];
  records?: readonly RecordsRule[];
  delays?: readonly DelayRule[];
  grading?: GradeThresholds;
  calendarRule?: CalendarRule;
  caveats?: readonly Caveat[];
  notes?: readonly string[];
}

export interface RegimeCatalog {
  /** The date the catalog was last checked against the reference. */
  version: string;
  source: string;
  regimes: readonly RegimeEntry[];
}
