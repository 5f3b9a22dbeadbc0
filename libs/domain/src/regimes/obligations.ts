import type { DateTime } from 'luxon';
import type { RiskLevel } from '../severity/severity-vocabulary.js';
import type { DataCategory } from '../vocabulary/data-category.js';
import { countryOf, isJurisdiction } from '../vocabulary/jurisdiction.js';
import { type AnchorLookup, type DeadlineOutcome, describeClockStart, describeDeadline, evaluateDeadline, OrgCalendar } from './deadline-engine.js';
import {
  type Caveat,
  type ClockStart,
  CN_GRADES,
  type CnGrade,
  type ContentField,
  type NotificationDef,
  type Party,
  type PhaseDef,
  type PhaseKind,
  type Qualifier,
  type RegimeCatalog,
  type RegimeEntry,
  type RegimeId,
} from './regime-types.js';

/**
 * Obligation derivation: from the facts of one incident, which regimes apply, who must be told, in
 * which phase, by when, and why. Deterministic: the same facts (and the same `now`) give the same list,
 * in catalog order. When facts change the caller derives again and compares with `diffObligations`.
 */

export interface AssessmentFacts {
  riskLevel: RiskLevel;
  dataCategories: readonly DataCategory[];
  approxSubjects?: number | null;
  /** State-of-the-art encryption (or equivalent) and the key was not compromised. */
  dataUnintelligible: boolean;
}

export type CnOperatorType = 'ciio' | 'state_organ' | 'other';

export interface OrganisationFacts {
  /** IANA time zone; days, business days and months are counted in it. */
  timeZone: string;
  /** Non-working days (ISO dates, YYYY-MM-DD) for business days and DORA's relief. */
  holidays?: readonly string[];
  /** Free text; `trust_services` shortens the NIS2 incident notification to 24 h. */
  sector?: string | null;
  /** `processor`: the organisation processes or maintains the data on behalf of another (default controller). */
  role?: 'controller' | 'processor';
  /** Set when the organisation is a network operator in the PRC. */
  cnOperatorType?: CnOperatorType | null;
  /** Direct economic loss of the incident in CNY (CAC grading). */
  cnLossCny?: number | null;
  listedCompany?: boolean;
  telecomProvider?: boolean;
  hipaaCoveredEntity?: boolean;
  hipaaBusinessAssociate?: boolean;
  nis2Entity?: 'essential' | 'important' | null;
  doraFinancialEntity?: boolean;
  /** Opt in to DORA's relief: deadlines on a weekend or holiday move to 12:00 of the next working day [S]. */
  doraWeekendRelief?: boolean;
}

export interface SubmissionFact {
  regime: RegimeId;
  obligationId: string;
  phase: string;
  submittedAt: string;
  /** For obligations split per jurisdiction (HIPAA media per State); absent = all of them. */
  jurisdiction?: string | null;
}

export interface NoticeFact {
  obligationId: string;
  sentAt: string;
  jurisdiction?: string | null;
}

export interface ObligationFacts {
  /** The moment the organisation became aware: starts every clock that counts from awareness. */
  awareAt: string;
  /** Discovery (HIPAA, CA, NY, CAC); the awareness time stands in when absent. */
  discoveredAt?: string | null;
  /** Texas: the determination that the breach occurred; discovery (or awareness) stands in when absent. */
  breachDeterminedAt?: string | null;
  /** DORA: classification of the incident as major. */
  classifiedMajorAt?: string | null;
  /** SEC: the determination that the incident is material. */
  materialityDeterminedAt?: string | null;
  /** SEC: when information missing from the 8-K was determined or became available (8-K/A clock). */
  infoDeterminedAt?: string | null;
  /** The end of incident handling (CAC final report; NIS2 final report of an incident that ran long). */
  handledAt?: string | null;
  /** NIS2: whether the incident is significant; unknown is treated as significant until recorded. */
  nis2Significant?: boolean | null;
  /** CAC: a grade reached on an axis not computed here (outages, CII downtime, important data…). */
  cnGradeOtherAxes?: CnGrade | null;
  /** The latest assessment, if any. */
  assessment?: AssessmentFacts | null;
  /**
   * Affected people per jurisdiction, each person counted once under the most specific code known:
   * `US-CA` for Californians, `US` for US residents whose State is unknown (so US total = US + US-*).
   */
  subjectCounts: Readonly<Record<string, number>>;
  organisation: OrganisationFacts;
  submissions?: readonly SubmissionFact[];
  notices?: readonly NoticeFact[];
}

export type ObligationStatus = 'due' | 'waiting' | 'not_applicable';

export interface Obligation {
  regime: RegimeId;
  obligationId: string;
  party: Party;
  recipient: string;
  /** Set when the obligation is split per jurisdiction (HIPAA media per State). */
  jurisdiction: string | null;
  phase: string;
  phaseKind: PhaseKind;
  /** UTC ISO 8601; null when the law gives words, not a time, or the clock has not started. */
  dueAt: string | null;
  qualifier: Qualifier | null;
  status: ObligationStatus;
  /** What the clock waits for (`submission_of:initial`, `classification_major`, `assessment`…). */
  waitingFor: string | null;
  clockStart: { anchor: ClockStart; at: string } | null;
  /** The first recorded submission (or notice) for this phase, if any. */
  submittedAt: string | null;
  /** Required content field ids. */
  content: string[];
  /** Why it applies (or not), in plain words. */
  reasons: string[];
  /** Plain remarks on the deadline and the notice. */
  notes: string[];
  /** Parts that rest on facts the reference marks UNCONFIRMED. */
  unconfirmed: string[];
  /** Parts that rest on secondary summaries only [S]. */
  secondary: string[];
  citation: string;
}

/** EU member states and the other EEA states, plus EU territories with their own ISO 3166-1 code. */
const EEA = new Set([
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE', 'IT', 'LV', 'LT', 'LU', 'MT', 'NL',
  'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'IS', 'LI', 'NO', 'AX', 'GF', 'GP', 'MQ', 'RE', 'YT', 'MF',
]);

// ---------------------------------------------------------------------------------------------------
// Facts as the rules read them

class FactView {
  readonly calendar: OrgCalendar;
  readonly now: DateTime | null;
  readonly counts: ReadonlyMap<string, number>;

  constructor(
    readonly facts: ObligationFacts,
    now: string | undefined,
  ) {
    const org = facts.organisation;
    this.calendar = new OrgCalendar(org.timeZone, org.holidays ?? []);
    this.now = now === undefined ? null : this.calendar.instant(now, 'now');
    const counts = new Map<string, number>();
    for (const [code, n] of Object.entries(facts.subjectCounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!isJurisdiction(code)) throw new RangeError(`subjectCounts: '${code}' is not an ISO 3166 country or subdivision code`);
      if (!Number.isFinite(n) || n < 0) throw new RangeError(`subjectCounts.${code}: ${n} must be a number ≥ 0`);
      if (n > 0) counts.set(code, n);
    }
    this.counts = counts;
    for (const key of ['awareAt', 'discoveredAt', 'breachDeterminedAt', 'classifiedMajorAt', 'materialityDeterminedAt', 'infoDeterminedAt', 'handledAt'] as const) {
      const v = facts[key];
      if (v !== undefined && v !== null) this.calendar.instant(v, key);
    }
    facts.submissions?.forEach((s, i) => this.calendar.instant(s.submittedAt, `submissions[${i}].submittedAt`));
    facts.notices?.forEach((s, i) => this.calendar.instant(s.sentAt, `notices[${i}].sentAt`));
  }

  get org(): OrganisationFacts {
    return this.facts.organisation;
  }

  get assessment(): AssessmentFacts | null {
    return this.facts.assessment ?? null;
  }

  get processor(): boolean {
    return this.org.role === 'processor';
  }

  /** People in jurisdictions matching `pred`, and which codes they are in. */
  countWhere(pred: (code: string) => boolean): { total: number; codes: string[] } {
    let total = 0;
    const codes: string[] = [];
    for (const [code, n] of this.counts) {
      if (pred(code)) {
        total += n;
        codes.push(code);
      }
    }
    return { total, codes };
  }

  country(cc: string): number {
    return this.countWhere((code) => countryOf(code) === cc).total;
  }

  /** Everyone affected: the counts, or the assessment's estimate when it is larger. */
  get totalAffected(): number {
    const sum = this.countWhere(() => true).total;
    return Math.max(sum, this.assessment?.approxSubjects ?? 0);
  }

  /** The clock starts for one obligation; fallbacks used are reported through `notes`. */
  anchors(regime: RegimeId, obligationId: string, jurisdiction: string | null, notes: string[]): AnchorLookup {
    const f = this.facts;
    const cal = this.calendar;
    const at = (v: string | null | undefined, field: string) => (v === undefined || v === null ? null : cal.instant(v, field));
    const note = (text: string) => {
      if (!notes.includes(text)) notes.push(text);
    };
    const discovery = (): DateTime => {
      const d = at(f.discoveredAt, 'discoveredAt');
      if (d) return d;
      note('No discovery time is recorded: the awareness time is used as the discovery time.');
      return cal.instant(f.awareAt, 'awareAt');
    };
    return (anchor: ClockStart) => {
      switch (anchor) {
        case 'awareness':
          return cal.instant(f.awareAt, 'awareAt');
        case 'discovery':
          return discovery();
        case 'breach_determination': {
          const d = at(f.breachDeterminedAt, 'breachDeterminedAt');
          if (d) return d;
          note('No time of the determination that the breach occurred is recorded: the discovery time is used (the earliest reading).');
          return discovery();
        }
        case 'classification_major':
          return at(f.classifiedMajorAt, 'classifiedMajorAt');
        case 'materiality_determination':
          return at(f.materialityDeterminedAt, 'materialityDeterminedAt');
        case 'info_determined':
          return at(f.infoDeterminedAt, 'infoDeterminedAt');
        case 'incident_handled':
          return at(f.handledAt, 'handledAt');
        case 'calendar_year_end':
          return cal.yearEnd(discovery());
        default:
          break;
      }
      if (anchor.startsWith('submission_of:')) {
        const phase = anchor.slice('submission_of:'.length);
        // The latest submission of that phase (DORA: the final report runs from the latest intermediate).
        const times = (f.submissions ?? [])
          .filter((s) => s.regime === regime && s.obligationId === obligationId && s.phase === phase && matchesJurisdiction(s.jurisdiction, jurisdiction))
          .map((s) => cal.instant(s.submittedAt));
        return times.length === 0 ? null : times.reduce((a, b) => (b > a ? b : a));
      }
      if (anchor.startsWith('notice_sent:')) {
        const id = anchor.slice('notice_sent:'.length);
        // The first notice sent starts the clock (the earliest reading).
        const times = (f.notices ?? []).filter((n) => n.obligationId === id && matchesJurisdiction(n.jurisdiction, jurisdiction)).map((n) => cal.instant(n.sentAt));
        return times.length === 0 ? null : times.reduce((a, b) => (b < a ? b : a));
      }
      throw new RangeError(`unknown clock start '${anchor}'`);
    };
  }

  /** The first submission of a phase (or, failing that, the first notice sent for the obligation). */
  submittedAt(regime: RegimeId, obligationId: string, phase: string, jurisdiction: string | null): DateTime | null {
    const subs = (this.facts.submissions ?? [])
      .filter((s) => s.regime === regime && s.obligationId === obligationId && s.phase === phase && matchesJurisdiction(s.jurisdiction, jurisdiction))
      .map((s) => this.calendar.instant(s.submittedAt));
    const notices =
      phase === 'initial'
        ? (this.facts.notices ?? []).filter((n) => n.obligationId === obligationId && matchesJurisdiction(n.jurisdiction, jurisdiction)).map((n) => this.calendar.instant(n.sentAt))
        : [];
    const all = [...subs, ...notices];
    return all.length === 0 ? null : all.reduce((a, b) => (b < a ? b : a));
  }
}

function matchesJurisdiction(recorded: string | null | undefined, wanted: string | null): boolean {
  return recorded === undefined || recorded === null || wanted === null || recorded === wanted;
}

// ---------------------------------------------------------------------------------------------------
// When each regime and each notification applies

interface Applicability {
  /** `out_of_scope`: the notification does not concern this organisation at all; no row is listed. */
  status: 'applies' | 'not_applicable' | 'waiting' | 'out_of_scope';
  reasons: string[];
  waitingFor?: string;
  jurisdiction?: string;
}

const applies = (...reasons: string[]): Applicability => ({ status: 'applies', reasons });
const notApplicable = (...reasons: string[]): Applicability => ({ status: 'not_applicable', reasons });
const outOfScope: Applicability = { status: 'out_of_scope', reasons: [] };
const waitingFor = (what: string, ...reasons: string[]): Applicability => ({ status: 'waiting', waitingFor: what, reasons });

function people(n: number): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? 'person' : 'people'}`;
}

function inCodes(codes: string[]): string {
  return codes.length === 0 ? '' : ` (${codes.join(', ')})`;
}

type ScopeRule = (v: FactView) => { inScope: boolean; reasons: string[] };

const SCOPE: Record<RegimeId, ScopeRule> = {
  EU_GDPR: (v) => {
    const { total, codes } = v.countWhere((c) => EEA.has(countryOf(c)));
    return { inScope: total > 0, reasons: [`${people(total)} affected in EU/EEA countries${inCodes(codes)}: the GDPR applies.`] };
  },
  UK_GDPR: (v) => {
    const n = v.country('GB');
    return { inScope: n > 0, reasons: [`${people(n)} affected in the United Kingdom: the UK GDPR applies.`] };
  },
  CN_PIPL: (v) => {
    const n = v.country('CN');
    return { inScope: n > 0, reasons: [`${people(n)} affected in mainland China: PIPL Art. 57 applies.`] };
  },
  CN_CAC_2025: (v) => {
    const op = v.org.cnOperatorType ?? null;
    const n = v.country('CN');
    const reasons = op
      ? [`The organisation is a network operator in the PRC (operator type ${op}): the CAC Measures apply.`]
      : [`${people(n)} affected in mainland China.`];
    return { inScope: op !== null || n > 0, reasons };
  },
  US_HIPAA: (v) => {
    const ce = v.org.hipaaCoveredEntity === true;
    const ba = v.org.hipaaBusinessAssociate === true;
    return { inScope: ce || ba, reasons: [`The organisation is a HIPAA ${ce ? 'covered entity' : 'business associate'}.`] };
  },
  US_CA: (v) => {
    const n = v.countWhere((c) => c === 'US-CA').total;
    return { inScope: n > 0, reasons: [`${people(n)} affected in California: Cal. Civ. Code §1798.82 applies.`] };
  },
  US_NY: (v) => {
    const n = v.countWhere((c) => c === 'US-NY').total;
    return { inScope: n > 0, reasons: [`${people(n)} affected in New York: N.Y. Gen. Bus. Law §899-aa applies.`] };
  },
  US_TX: (v) => {
    const n = v.countWhere((c) => c === 'US-TX').total;
    return { inScope: n > 0, reasons: [`${people(n)} affected in Texas: Tex. Bus. & Com. Code §521.053 applies.`] };
  },
  EU_NIS2: (v) => {
    const e = v.org.nis2Entity ?? null;
    return { inScope: e !== null, reasons: [`The organisation is an ${e} entity under NIS2.`] };
  },
  EU_DORA: (v) => ({ inScope: v.org.doraFinancialEntity === true, reasons: ['The organisation is a financial entity under DORA.'] }),
  US_SEC_8K: (v) => ({ inScope: v.org.listedCompany === true, reasons: ['The organisation is an SEC registrant (listed company).'] }),
};

/** The CAC grade on the people and loss axes (plus a grade reached on another axis, if recorded). */
export function cacGrade(peopleAffected: number, lossCny: number | null, thresholds: NonNullable<RegimeEntry['grading']>, otherAxes: CnGrade | null = null): CnGrade {
  let grade: CnGrade = 'general';
  for (const level of ['relatively_major', 'major', 'particularly_major'] as const) {
    if (peopleAffected >= thresholds.peopleMin[level] || (lossCny ?? 0) >= thresholds.lossCnyMin[level]) grade = level;
  }
  if (otherAxes !== null && CN_GRADES.indexOf(otherAxes) > CN_GRADES.indexOf(grade)) grade = otherAxes;
  return grade;
}

function gdprController(v: FactView, law: string): Applicability {
  if (v.processor) return outOfScope;
  const a = v.assessment;
  if (!a) return applies(`No assessment is recorded yet: the breach is treated as a risk to people until an assessment says it is unlikely (${law}).`);
  if (a.riskLevel === 'unlikely') {
    return notApplicable(`The latest assessment finds the breach unlikely to result in a risk: no notification, but document it in the breach register (${law}(5)).`);
  }
  return applies(`The latest assessment finds ${a.riskLevel === 'high' ? 'a high risk' : 'a risk'} to people: the supervisory authority must be notified.`);
}

function gdprIndividuals(v: FactView): Applicability {
  if (v.processor) return outOfScope;
  const a = v.assessment;
  if (!a) return waitingFor('assessment', 'Individuals are told only when an assessment finds a high risk; none is recorded yet.');
  if (a.riskLevel !== 'high') return notApplicable(`The latest assessment finds ${a.riskLevel === 'risk' ? 'a risk, not a high risk' : 'no likely risk'}: individuals need not be told.`);
  if (a.dataUnintelligible) return notApplicable('The data are unintelligible to anyone not authorised (e.g. encrypted, key safe): the exemption of Art. 34(3)(a) applies.');
  return applies(
    'The latest assessment finds a high risk to people: tell them without undue delay.',
    'If later measures make the high risk unlikely, or telling each person would take disproportionate effort, a public communication may replace individual notice (Art. 34(3)(b),(c)).',
  );
}

function processorDuty(v: FactView, text: string): Applicability {
  return v.processor ? applies(text) : outOfScope;
}

function hipaaCovered(v: FactView): Applicability | null {
  if (v.org.hipaaCoveredEntity !== true) return outOfScope;
  const a = v.assessment;
  if (!a) return waitingFor('assessment', 'HIPAA duties depend on whether health data (PHI) is involved; no assessment is recorded yet.');
  if (!a.dataCategories.includes('health')) return notApplicable('The latest assessment lists no health data: no breach of PHI.');
  if (a.dataUnintelligible) return notApplicable('The health data are unintelligible (encrypted, key safe): secured PHI is outside the breach notification rule.');
  return null;
}

type NotificationRule = (v: FactView, regime: RegimeEntry) => Applicability[];

const one =
  (rule: (v: FactView, regime: RegimeEntry) => Applicability): NotificationRule =>
  (v, regime) => [rule(v, regime)];

const NOTIFICATION_RULES: Record<string, NotificationRule> = {
  gdpr_sa: one((v) => gdprController(v, 'GDPR Art. 33')),
  gdpr_individuals: one(gdprIndividuals),
  gdpr_controller: one((v) => processorDuty(v, 'The organisation processes the data for a controller: tell the controller without undue delay.')),
  uk_ico: one((v) => gdprController(v, 'UK GDPR Art. 33')),
  uk_individuals: one(gdprIndividuals),
  uk_controller: one((v) => processorDuty(v, 'The organisation processes the data for a controller: tell the controller without undue delay.')),
  pecr_ico: one((v) =>
    v.org.telecomProvider === true ? applies('The organisation provides public electronic communications services: PECR breach notification to the ICO applies; the reference gives no risk threshold for it.') : outOfScope,
  ),
  pecr_breach_log: one((v) => {
    if (v.org.telecomProvider !== true) return outOfScope;
    const month = v.calendar.instant(v.facts.awareAt).toFormat('yyyy-MM');
    return applies(`Include this breach in the PECR breach log for ${month} (the month of awareness), or send a 'nil return' in months without breaches.`);
  }),
  pipl_departments: one(() => applies('Personal information was leaked, tampered with or lost, or may be: report to the departments performing PI-protection duties immediately.')),
  pipl_individuals: one((v) =>
    v.assessment?.dataUnintelligible === true
      ? notApplicable('The data are unintelligible (encrypted, key safe): measures effectively avoid harm, so individuals need not be told — the authority may still require it.')
      : applies('Personal information was leaked, tampered with or lost, or may be: tell the affected individuals immediately, unless measures effectively avoid harm.'),
  ),
  cac_ciio_protection_dept: one((v, r) => cacRule(v, r, 'ciio')),
  cac_ciio_public_security: one((v, r) => cacRule(v, r, 'ciio')),
  cac_state_organ_office: one((v, r) => cacRule(v, r, 'state_organ')),
  cac_provincial: one((v, r) => cacRule(v, r, 'other')),
  hipaa_individuals: one((v) => hipaaCovered(v) ?? applies('Breach of unsecured PHI by a covered entity: notify each affected individual.')),
  hipaa_media: (v) => {
    const gate = hipaaCovered(v);
    if (gate) return [gate];
    const states = [...v.counts].filter(([code]) => code.startsWith('US-'));
    const over = states.filter(([, n]) => n > 500);
    if (over.length === 0) {
      const largest = states.reduce<[string, number] | null>((a, b) => (a === null || b[1] > a[1] ? b : a), null);
      return [notApplicable(`No State or jurisdiction has more than 500 affected residents${largest ? ` (largest: ${largest[0]} with ${largest[1]})` : ''}: no media notice.`)];
    }
    return over.map(([code, n]) => ({ ...applies(`${people(n)} affected in ${code}, more than 500 residents of that State: notify prominent media outlets serving it.`), jurisdiction: code }));
  },
  hipaa_hhs_immediate: one((v) => {
    const gate = hipaaCovered(v);
    if (gate) return gate;
    const n = v.totalAffected;
    return n >= 500
      ? applies(`${people(n)} affected, 500 or more: notify the HHS Secretary at the same time as the individuals.`)
      : notApplicable(`${people(n)} affected, fewer than 500: the breach goes in the annual log to HHS instead.`);
  }),
  hipaa_hhs_annual: one((v) => {
    const gate = hipaaCovered(v);
    if (gate) return gate;
    const n = v.totalAffected;
    const year = v.calendar.instant(v.facts.discoveredAt ?? v.facts.awareAt).year;
    return n < 500
      ? applies(`${people(n)} affected, fewer than 500: log the breach and submit the log for ${year} (the year of discovery) to HHS.`)
      : notApplicable(`${people(n)} affected, 500 or more: HHS is notified at once, not through the annual log.`);
  }),
  hipaa_covered_entity: one((v) => {
    if (v.org.hipaaBusinessAssociate !== true) return outOfScope;
    const a = v.assessment;
    if (!a) return waitingFor('assessment', 'The duty depends on whether health data (PHI) is involved; no assessment is recorded yet.');
    if (!a.dataCategories.includes('health')) return notApplicable('The latest assessment lists no health data: no breach of PHI.');
    if (a.dataUnintelligible) return notApplicable('The health data are unintelligible (encrypted, key safe): secured PHI is outside the breach notification rule.');
    return applies('The organisation is a business associate: notify the covered entity of the breach of unsecured PHI.');
  }),
  ca_residents: one((v) => {
    if (v.processor) return outOfScope;
    if (v.assessment?.dataUnintelligible === true) {
      return notApplicable('The data are unintelligible (encrypted, key safe): encrypted personal information counts only if the key was also acquired.');
    }
    return applies('California residents’ personal information was, or is reasonably believed to have been, acquired by an unauthorised person.');
  }),
  ca_ag: one((v) => {
    if (v.processor) return outOfScope;
    const n = v.countWhere((c) => c === 'US-CA').total;
    if (v.assessment?.dataUnintelligible === true) return notApplicable('No notice to California residents is due (data unintelligible), so none to the Attorney General.');
    return n > 500
      ? applies(`${people(n)} in California, more than 500: send a sample copy of the notice to the Attorney General.`)
      : notApplicable(`${people(n)} in California, not more than 500: no Attorney General submission.`);
  }),
  ca_data_owner: one((v) => processorDuty(v, 'The organisation maintains the data for its owner or licensee: tell the owner immediately after discovery.')),
  ny_residents: one((v) => (v.processor ? outOfScope : applies('New York residents’ private information was accessed or acquired without authorisation.'))),
  ny_ag: one((v) => nyRegulator(v)),
  ny_dos: one((v) => nyRegulator(v)),
  ny_state_police: one((v) => nyRegulator(v)),
  ny_dfs: one((v) => nyRegulator(v)),
  ny_cras: one((v) => {
    if (v.processor) return outOfScope;
    const n = v.countWhere((c) => c === 'US-NY').total;
    return n > 5000
      ? applies(`${people(n)} in New York, more than 5,000: tell the consumer reporting agencies.`)
      : notApplicable(`${people(n)} in New York, not more than 5,000: no consumer-reporting-agency notice.`);
  }),
  ny_data_owner: one((v) => processorDuty(v, 'The organisation maintains the data for its owner: tell the owner within 30 days of discovery.')),
  tx_individuals: one(() =>
    applies('Texas residents’ sensitive personal information was, or is reasonably believed to have been, acquired; the notice goes to every affected individual, including non-residents.'),
  ),
  tx_ag: one((v) => {
    const n = v.countWhere((c) => c === 'US-TX').total;
    return n >= 250
      ? applies(`${people(n)} in Texas, 250 or more: report to the Texas Attorney General.`)
      : notApplicable(`${people(n)} in Texas, fewer than 250: no Attorney General report.`);
  }),
  tx_cras: one((v) => {
    const n = v.totalAffected;
    return n > 10_000
      ? applies(`${people(n)} to be notified in all (the Texas duty covers every affected individual), more than 10,000: tell the nationwide consumer reporting agencies.`)
      : notApplicable(`${people(n)} to be notified, not more than 10,000: no consumer-reporting-agency notice.`);
  }),
  nis2_csirt: one((v) => nis2Significant(v, 'Report the significant incident to the CSIRT or competent authority.')),
  nis2_recipients: one((v) => nis2Significant(v, 'Tell the recipients of the service where appropriate, when the incident is likely to affect the service.')),
  dora_authority: one(() => applies('DORA financial entity: a major ICT-related incident is reported to the competent authority in three stages.')),
  dora_clients: one(() => applies('DORA financial entity: when a major incident affects or may affect clients’ financial interests, tell them and the mitigation measures.')),
  sec_8k: one(() => applies('SEC registrant: a cybersecurity incident determined to be material is disclosed on Form 8-K Item 1.05.')),
};

function nyRegulator(v: FactView): Applicability {
  return v.processor ? outOfScope : applies('New York residents are notified: the Attorney General, Department of State, State Police and DFS are told too.');
}

function nis2Significant(v: FactView, text: string): Applicability {
  const s = v.facts.nis2Significant;
  if (s === false) return notApplicable('The incident is recorded as not significant under NIS2: no report.');
  if (s === true) return applies('The incident is recorded as significant.', text);
  return applies('Whether the incident is significant is not recorded yet: it is treated as significant until recorded otherwise.', text);
}

function cacRule(v: FactView, regime: RegimeEntry, forType: CnOperatorType): Applicability {
  const op = v.org.cnOperatorType ?? null;
  if (op === null) {
    return forType === 'other'
      ? notApplicable('The organisation is not recorded as a network operator in the PRC (cnOperatorType): the CAC reporting Measures are not applied.')
      : outOfScope;
  }
  if (op !== forType) return outOfScope;
  const people_ = v.country('CN');
  const loss = v.org.cnLossCny ?? null;
  const other = v.facts.cnGradeOtherAxes ?? null;
  const grade = cacGrade(people_, loss, regime.grading!, other);
  const basis = `${people(people_)} in mainland China${loss !== null ? `, direct loss ¥${loss.toLocaleString('en-GB')}` : ''}${other ? `, ${other.replace(/_/g, ' ')} on another axis` : ''}`;
  const reportable = CN_GRADES.indexOf(grade) >= CN_GRADES.indexOf(regime.grading!.reportFrom);
  if (!reportable) return notApplicable(`Graded general (${basis}): relatively major or above must be reported; no timed report under these Measures.`);
  return applies(`Graded ${grade.replace(/_/g, ' ')} (${basis}): relatively major or above must be reported.`);
}

// ---------------------------------------------------------------------------------------------------
// Rows

function caveatTexts(caveats: readonly Caveat[] | undefined, into: { notes: string[]; unconfirmed: string[]; secondary: string[] }): void {
  for (const c of caveats ?? []) {
    if (c.unconfirmed) into.unconfirmed.push(c.note);
    else if (c.secondary) into.secondary.push(c.note);
    else into.notes.push(c.note);
  }
}

function contentFlags(fields: readonly ContentField[] | undefined, into: string[]): void {
  for (const f of fields ?? []) if (f.unconfirmed) into.push(`Content '${f.id}': ${f.note ?? 'UNCONFIRMED'}`);
}

function uniq(list: string[]): string[] {
  return [...new Set(list)];
}

function iso(dt: DateTime): string {
  return dt.toUTC().toISO()!;
}

interface RowBase {
  regime: RegimeEntry;
  def: NotificationDef;
  applicability: Applicability;
  scopeReasons: string[];
}

function baseRow(b: RowBase, phase: PhaseDef): Obligation {
  const row: Obligation = {
    regime: b.regime.id,
    obligationId: b.def.id,
    party: b.def.party,
    recipient: b.def.recipient,
    jurisdiction: b.applicability.jurisdiction ?? null,
    phase: phase.id,
    phaseKind: phase.kind,
    dueAt: null,
    qualifier: null,
    status: 'not_applicable',
    waitingFor: null,
    clockStart: null,
    submittedAt: null,
    content: [...(phase.content ?? b.def.content ?? [])].map((f) => f.id),
    reasons: [...b.scopeReasons, ...b.applicability.reasons],
    notes: [],
    unconfirmed: [],
    secondary: [],
    citation: b.def.citation,
  };
  if (b.def.basis === 'S') row.secondary.push(`${b.def.citation}: this duty rests on secondary summaries only.`);
  return row;
}

function phaseRows(v: FactView, b: RowBase, phase: PhaseDef): Obligation[] {
  const row = baseRow(b, phase);
  const texts = { notes: row.notes, unconfirmed: row.unconfirmed, secondary: row.secondary };
  caveatTexts(b.def.caveats, texts);
  caveatTexts(phase.caveats, texts);
  contentFlags(phase.content ?? b.def.content, row.unconfirmed);
  if (phase.kind === 'initial' && b.def.party === 'individuals') {
    for (const s of b.def.substitute ?? []) if (s.unconfirmed) row.unconfirmed.push(`Substitute notice: ${s.note ?? s.when}`);
  }

  if (b.applicability.status === 'waiting') {
    row.status = 'waiting';
    row.waitingFor = b.applicability.waitingFor ?? null;
    return [finish(row)];
  }

  const jurisdiction = row.jurisdiction;
  const anchorNotes: string[] = [];
  const anchors = v.anchors(b.regime.id, b.def.id, jurisdiction, anchorNotes);
  let deadline = phase.deadline;
  const override = phase.sectorOverrides?.find((o) => o.sector === (v.org.sector ?? null));
  if (override) {
    deadline = override.deadline;
    caveatTexts([override.caveat], texts);
  }
  row.reasons.push(`Deadline: ${describeDeadline(deadline)}.`);
  const outcome = evaluateDeadline(deadline, anchors, v.calendar);
  const submitted = v.submittedAt(b.regime.id, b.def.id, phase.id, jurisdiction);
  row.submittedAt = submitted ? iso(submitted) : null;

  if (phase.ifStillOngoing && outcome.kind === 'timed') {
    const rows = ongoingRows(v, b, phase, outcome, anchors, row);
    rows.forEach((r) => r.notes.push(...anchorNotes));
    return rows.map(finish);
  }
  applyOutcome(v, b.regime, row, outcome);
  row.notes.push(...anchorNotes);
  lateCheck(v, phase, row);
  return [finish(row)];
}

function applyOutcome(v: FactView, regime: RegimeEntry, row: Obligation, outcome: DeadlineOutcome): void {
  row.notes.push(...outcome.notes);
  row.qualifier = outcome.qualifier;
  if (outcome.kind === 'waiting') {
    row.status = 'waiting';
    row.waitingFor = outcome.waitingFor;
    row.reasons.push(`The clock starts at ${describeClockStart(outcome.waitingFor)}, which is not recorded yet.`);
    return;
  }
  row.status = 'due';
  row.clockStart = outcome.clockStart ? { anchor: outcome.clockStart.anchor, at: iso(outcome.clockStart.at) } : null;
  if (outcome.kind === 'untimed') {
    row.notes.push(`No time limit is computed: the law says "${outcome.qualifier.replace(/_/g, ' ')}".`);
    return;
  }
  let due = outcome.dueAt;
  const rule = regime.calendarRule;
  if (rule && v.org.doraWeekendRelief === true) {
    const relief = v.calendar.weekendRelief(due);
    if (relief.moved) {
      due = relief.dueAt;
      row.reasons.push(`The limit falls on a weekend or holiday; the organisation applies the relief, so it moves to 12:00 of the next working day (${relief.dueAt.toISODate()}).`);
      row.secondary.push(rule.description);
      caveatTexts(rule.caveats, { notes: row.notes, unconfirmed: row.unconfirmed, secondary: row.secondary });
    }
  }
  row.dueAt = iso(due);
}

function ongoingRows(
  v: FactView,
  b: RowBase,
  phase: PhaseDef,
  outcome: Extract<DeadlineOutcome, { kind: 'timed' }>,
  anchors: AnchorLookup,
  finalRow: Obligation,
): Obligation[] {
  const rule = phase.ifStillOngoing!;
  const due = outcome.dueAt;
  const handled = anchors('incident_handled');
  if (handled !== null && handled <= due) {
    applyOutcome(v, b.regime, finalRow, outcome);
    finalRow.reasons.push('The incident was handled before the final report falls due.');
    return [finalRow];
  }
  const stillOngoing = handled !== null || (v.now !== null && v.now > due);
  if (!stillOngoing) {
    applyOutcome(v, b.regime, finalRow, outcome);
    finalRow.notes.push(rule.note);
    return [finalRow];
  }
  const progress: Obligation = {
    ...baseRow(b, phase),
    phase: rule.progressPhase,
    phaseKind: 'intermediate',
    content: [],
    notes: [rule.note],
    unconfirmed: [...finalRow.unconfirmed],
    secondary: [...finalRow.secondary],
  };
  progress.reasons.push(`The incident was still ongoing when the final report fell due: a progress report is due then.`);
  applyOutcome(v, b.regime, progress, outcome);
  const sub = v.submittedAt(b.regime.id, b.def.id, rule.progressPhase, progress.jurisdiction);
  progress.submittedAt = sub ? iso(sub) : null;

  finalRow.reasons.push(`The incident ran past the first limit: the final report is due ${describeDeadline(rule.finalDeadline)}.`);
  finalRow.notes.push(rule.note);
  applyOutcome(v, b.regime, finalRow, evaluateDeadline(rule.finalDeadline, anchors, v.calendar));
  return [progress, finalRow];
}

function lateCheck(v: FactView, phase: PhaseDef, row: Obligation): void {
  if (!phase.lateRequires || row.dueAt === null) return;
  const due = v.calendar.instant(row.dueAt);
  const submitted = row.submittedAt ? v.calendar.instant(row.submittedAt) : null;
  const late = submitted ? submitted > due : v.now !== null && v.now > due;
  if (!late) return;
  row.reasons.push('The limit has passed: the notification must give the reasons for the delay.');
  for (const f of phase.lateRequires) if (!row.content.includes(f.id)) row.content.push(f.id);
}

function finish(row: Obligation): Obligation {
  row.reasons = uniq(row.reasons);
  row.notes = uniq(row.notes);
  row.unconfirmed = uniq(row.unconfirmed);
  row.secondary = uniq(row.secondary);
  return row;
}

/**
 * Derives every obligation of one incident. `now` (ISO) is read only to tell whether a limit has
 * already passed (late GDPR notice, NIS2 incident still ongoing at the final-report date).
 * Regimes out of scope give no rows; within a regime in scope, a notification that does not apply
 * gives one `not_applicable` row saying why, unless it concerns another kind of organisation.
 */
export function deriveObligations(facts: ObligationFacts, catalog: RegimeCatalog, now?: string): Obligation[] {
  const v = new FactView(facts, now);
  const rows: Obligation[] = [];
  for (const regime of catalog.regimes) {
    const scope = SCOPE[regime.id](v);
    if (!scope.inScope) continue;
    for (const def of regime.notifications) {
      const rule = NOTIFICATION_RULES[def.id];
      if (!rule) throw new RangeError(`catalog ${catalog.version}: no derivation rule for notification '${def.id}'`);
      for (const applicability of rule(v, regime)) {
        if (applicability.status === 'out_of_scope') continue;
        const b: RowBase = { regime, def, applicability, scopeReasons: scope.reasons };
        if (applicability.status === 'not_applicable') {
          const row = baseRow(b, def.phases[0]!);
          row.content = [];
          rows.push(finish(row));
          continue;
        }
        for (const phase of def.phases) rows.push(...phaseRows(v, b, phase));
      }
    }
  }
  return rows;
}

/** Every notification id in the catalog has a derivation rule (checked by the tests). */
export function notificationRuleIds(): string[] {
  return Object.keys(NOTIFICATION_RULES);
}

// ---------------------------------------------------------------------------------------------------
// Comparing two derivations

/** Identifies an obligation row across derivations. */
export function obligationKey(o: Pick<Obligation, 'regime' | 'obligationId' | 'phase' | 'jurisdiction'>): string {
  return `${o.regime}|${o.obligationId}|${o.phase}|${o.jurisdiction ?? ''}`;
}

export interface ObligationDiff {
  /** Obligations that apply now and did not before (new, or previously not applicable). */
  added: Obligation[];
  /** Obligations that applied before and no longer do (gone, or now not applicable). */
  dropped: Obligation[];
  /** Obligations whose due time changed (including from or to no time). */
  moved: { key: string; before: string | null; after: string | null; obligation: Obligation }[];
  /** Obligations whose status changed between due and waiting. */
  statusChanged: { key: string; before: ObligationStatus; after: ObligationStatus; obligation: Obligation }[];
}

export function diffObligations(before: readonly Obligation[], after: readonly Obligation[]): ObligationDiff {
  const live = (rows: readonly Obligation[]) => new Map(rows.filter((r) => r.status !== 'not_applicable').map((r) => [obligationKey(r), r]));
  const a = live(before);
  const b = live(after);
  const diff: ObligationDiff = { added: [], dropped: [], moved: [], statusChanged: [] };
  for (const [key, row] of b) {
    const old = a.get(key);
    if (!old) {
      diff.added.push(row);
      continue;
    }
    if (old.dueAt !== row.dueAt) diff.moved.push({ key, before: old.dueAt, after: row.dueAt, obligation: row });
    if (old.status !== row.status) diff.statusChanged.push({ key, before: old.status, after: row.status, obligation: row });
  }
  for (const [key, row] of a) if (!b.has(key)) diff.dropped.push(row);
  return diff;
}
