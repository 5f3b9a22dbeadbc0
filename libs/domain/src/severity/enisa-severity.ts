import type { DataCategory } from '../vocabulary/data-category.js';
import type {
  AvailabilityLoss,
  ConfidentialityLoss,
  ContextFactor,
  EaseOfIdentification,
  IntegrityLoss,
  NotificationRecommendation,
  RiskLevel,
  SeverityBand,
} from './severity-vocabulary.js';

/**
 * Severity of a personal data breach by the ENISA method (Recommendations for a methodology of the
 * assessment of severity of personal data breaches, v1.0, December 2013): SE = DPC × EI + CB.
 * Pure: the same input always gives the same result, with the reasons a DPO can check line by line.
 */
export const ENISA_METHOD = 'ENISA 2013 v1.0';

/** A category that credentials can give access to (credentials to credentials says nothing). */
export type AccessedCategory = Exclude<DataCategory, 'credentials'>;

export interface SeverityInput {
  dataCategories: readonly DataCategory[];
  /** What the leaked credentials open; only read when `dataCategories` includes `credentials`. */
  credentialsGiveAccessTo?: AccessedCategory;
  easeOfIdentification: EaseOfIdentification;
  confidentiality: ConfidentialityLoss;
  integrity: IntegrityLoss;
  availability: AvailabilityLoss;
  maliciousIntent: boolean;
  /** State-of-the-art encryption (or equivalent) and the key was not compromised. */
  dataUnintelligible: boolean;
  backupsAvailable: boolean;
  vulnerableSubjects: boolean;
  contextAdjustments?: readonly ContextFactor[];
  /** Informative only: ENISA keeps the number of people outside the formula. */
  approxSubjects?: number;
}

export interface DpcAdjustment {
  factor: ContextFactor;
  delta: number;
}

export interface SeverityResult {
  score: number;
  band: SeverityBand;
  components: {
    dpc: { base: number; baseCategory: DataCategory; adjustments: DpcAdjustment[]; final: number };
    ei: number;
    cb: { confidentiality: number; integrity: number; availability: number; malicious: number; total: number };
  };
  riskLevel: RiskLevel;
  recommendation: NotificationRecommendation;
  reasons: string[];
  method: typeof ENISA_METHOD;
}

type EnisaClass = 'simple' | 'behavioural' | 'financial' | 'sensitive';

interface CategoryScore {
  score: 1 | 2 | 3 | 4;
  /** The ENISA basic class the score comes from, or `tocsin` where ENISA does not list the category. */
  enisaClass: EnisaClass | 'tocsin';
  /** The sentence given to the DPO, naming the category and its score. */
  reason: string;
}

/**
 * Basic data processing context score per data category (ENISA: simple 1, behavioural 2, financial 3,
 * sensitive 4), with the reason for each. `credentials` is absent: it takes the score of what it opens.
 */
export const CATEGORY_SCORES: Readonly<Record<AccessedCategory, CategoryScore>> = {
  contact: { score: 1, enisaClass: 'simple', reason: 'Contact data is a simple category (ENISA lists identity and contact data as simple): data processing context 1.' },
  identity: { score: 1, enisaClass: 'simple', reason: 'Identity data (names, dates of birth and the like) is a simple category: data processing context 1.' },
  other: { score: 1, enisaClass: 'simple', reason: 'Other data (education, family, professional and similar) is a simple category: data processing context 1.' },
  location: { score: 2, enisaClass: 'behavioural', reason: 'Location data is a behavioural category (it reveals where people go): data processing context 2.' },
  behavioural: { score: 2, enisaClass: 'behavioural', reason: 'Behavioural data (traffic, preferences, habits) is a behavioural category: data processing context 2.' },
  communications_content: { score: 2, enisaClass: 'behavioural', reason: 'The content of communications is scored as a behavioural category (it reveals habits, contacts and preferences): data processing context 2.' },
  financial: { score: 3, enisaClass: 'financial', reason: 'Financial data (income, transactions, statements) is a financial category: data processing context 3.' },
  payment_card: { score: 3, enisaClass: 'financial', reason: 'Payment card data is a financial category (ENISA lists cards with financial data): data processing context 3.' },
  health: { score: 4, enisaClass: 'sensitive', reason: 'Health data is a sensitive category: data processing context 4.' },
  genetic_biometric: { score: 4, enisaClass: 'sensitive', reason: 'Genetic or biometric data is a sensitive category (GDPR Art. 9): data processing context 4.' },
  special_category: { score: 4, enisaClass: 'sensitive', reason: 'Special-category data (political opinions, beliefs, sexual life and the like, GDPR Art. 9) is a sensitive category: data processing context 4.' },
  government_id: { score: 3, enisaClass: 'tocsin', reason: 'Government identifiers (passport, national ID or social security numbers) score 3, as financial data does, because they enable identity fraud; ENISA does not list them, so this is Tocsin\'s choice.' },
  children: { score: 1, enisaClass: 'simple', reason: 'Children is a category of people, not of data: it is scored as simple data (data processing context 1) and raises the score as vulnerable individuals (below).' },
};

/** Without saying what the credentials open, Tocsin assumes behavioural data (an account's activity). */
export const DEFAULT_CREDENTIALS_ACCESS: AccessedCategory = 'behavioural';

/** EI in quarters (negligible 0.25, limited 0.5, significant 0.75, maximum 1): the arithmetic stays exact. */
const EI_QUARTERS: Readonly<Record<EaseOfIdentification, number>> = { negligible: 1, limited: 2, significant: 3, maximum: 4 };
const CONFIDENTIALITY_QUARTERS: Readonly<Record<ConfidentialityLoss, number>> = { none: 0, known_recipients: 1, unknown_recipients: 2 };
const INTEGRITY_QUARTERS: Readonly<Record<IntegrityLoss, number>> = { none: 0, recoverable: 1, not_recoverable: 2 };
const AVAILABILITY_QUARTERS: Readonly<Record<AvailabilityLoss, number>> = { none: 0, temporary: 1, full: 2 };
const MALICIOUS_QUARTERS = 2;

const EI_WORDING: Readonly<Record<EaseOfIdentification, string>> = {
  negligible: 'negligible (identifying the people is practically impossible)',
  limited: 'limited (identification needs extra information that is not easy to get)',
  significant: 'significant (people can be identified with some effort, e.g. by cross-matching public sources)',
  maximum: 'maximum (the data identify people directly)',
};
const CONFIDENTIALITY_WORDING: Readonly<Record<ConfidentialityLoss, string>> = {
  none: 'Confidentiality: data exposed with no evidence of illegal processing',
  known_recipients: 'Confidentiality: data disclosed to a known number of recipients',
  unknown_recipients: 'Confidentiality: data disclosed to an unknown number of recipients',
};
const INTEGRITY_WORDING: Readonly<Record<IntegrityLoss, string>> = {
  none: 'Integrity: no harmful alteration (or the correct data can be restored before use)',
  recoverable: 'Integrity: data altered and possibly misused, but the correct data can be recovered',
  not_recoverable: 'Integrity: data altered and possibly misused, and the correct data cannot be recovered',
};
const AVAILABILITY_WORDING: Readonly<Record<AvailabilityLoss, string>> = {
  none: 'Availability: data recoverable without difficulty',
  temporary: 'Availability: data temporarily unavailable',
  full: 'Availability: data fully unavailable (cannot be recovered from the controller or the individuals)',
};
const FACTOR_WORDING: Readonly<Record<ContextFactor, string>> = {
  volume: 'The volume of data per person',
  controller_nature: 'The nature of the controller, which reveals more about the people (e.g. a pharmacy or a clinic)',
  vulnerable_individuals: 'Vulnerable or special individuals among the people affected',
  invalid_or_inaccurate: 'Data known to be invalid or inaccurate',
  publicly_available: 'Data already publicly available before the breach',
  reveals_less: 'Data whose nature reveals less than its category suggests',
};
const BAND_WORDING: Readonly<Record<SeverityBand, string>> = {
  low: 'low (individuals meet no or minor inconveniences)',
  medium: 'medium (significant inconveniences, overcome with some difficulty)',
  high: 'high (significant consequences, overcome with serious difficulty)',
  very_high: 'very high (significant or irreversible consequences, which individuals may not overcome)',
};
const FACTOR_ORDER: readonly ContextFactor[] = ['volume', 'controller_nature', 'vulnerable_individuals', 'invalid_or_inaccurate', 'publicly_available', 'reveals_less'];
const RAISING: ReadonlySet<ContextFactor> = new Set(['volume', 'controller_nature', 'vulnerable_individuals']);

/** Bands are inclusive at the bottom: low < 2 ≤ medium < 3 ≤ high < 4 ≤ very high. */
export function severityBand(score: number): SeverityBand {
  if (score < 2) return 'low';
  if (score < 3) return 'medium';
  if (score < 4) return 'high';
  return 'very_high';
}

const fmt = (n: number): string => String(n);

interface DpcResult {
  base: number;
  baseCategory: DataCategory;
  adjustments: DpcAdjustment[];
  final: number;
  reasons: string[];
}

function dataProcessingContext(input: SeverityInput): DpcResult {
  if (input.dataCategories.length === 0) throw new RangeError('dataCategories must not be empty');
  const reasons: string[] = [];
  const categories = [...new Set(input.dataCategories)];
  const hasCredentials = categories.includes('credentials');
  let base = 0;
  let baseCategory: DataCategory = categories[0]!;
  for (const category of categories) {
    let score: number;
    if (category === 'credentials') {
      const opens = input.credentialsGiveAccessTo ?? DEFAULT_CREDENTIALS_ACCESS;
      score = CATEGORY_SCORES[opens].score;
      reasons.push(input.credentialsGiveAccessTo
        ? `Credentials take the score of the data they give access to (${opens.replace(/_/g, ' ')}): data processing context ${score}.`
        : `Credentials take the score of the data they give access to; the assessment does not say what they open, so Tocsin assumes behavioural data: data processing context ${score}. Say what they open for a sharper score.`);
    } else {
      score = CATEGORY_SCORES[category].score;
      reasons.push(CATEGORY_SCORES[category].reason);
    }
    if (score > base) {
      base = score;
      baseCategory = category;
    }
  }
  if (categories.length > 1) {
    reasons.push(`With several categories, ENISA takes the highest score: ${base} (${baseCategory.replace(/_/g, ' ')}).`);
  }

  // Each ENISA factor counts once, whatever says it: the vulnerable-individuals factor may come from the
  // listed adjustments, the vulnerableSubjects flag or the children category (or credentials opening children's data).
  const factors = new Set<ContextFactor>(input.contextAdjustments ?? []);
  const vulnerableSources: string[] = [];
  if (factors.has('vulnerable_individuals')) vulnerableSources.push('listed as a context factor');
  if (input.vulnerableSubjects) vulnerableSources.push('the assessment says vulnerable people are affected');
  if (categories.includes('children')) vulnerableSources.push('children\'s data is involved');
  if (hasCredentials && input.credentialsGiveAccessTo === 'children') vulnerableSources.push('the credentials open children\'s data');
  if (vulnerableSources.length) factors.add('vulnerable_individuals');

  const adjustments: DpcAdjustment[] = [];
  for (const factor of FACTOR_ORDER) {
    if (!factors.has(factor)) continue;
    const delta = RAISING.has(factor) ? 1 : -1;
    adjustments.push({ factor, delta });
    const why = factor === 'vulnerable_individuals' ? ` (${vulnerableSources.join('; ')})` : '';
    reasons.push(`${FACTOR_WORDING[factor]}${why} ${delta > 0 ? 'raises' : 'lowers'} the data processing context by 1.`);
  }
  const unclamped = base + adjustments.reduce((sum, a) => sum + a.delta, 0);
  const final = Math.min(4, Math.max(1, unclamped));
  if (final !== unclamped) {
    reasons.push(`The adjustments would take the data processing context to ${unclamped}; ENISA keeps it within 1 to 4, so it is ${final}.`);
  }
  reasons.push(`Data processing context (DPC): ${final}.`);
  return { base, baseCategory, adjustments, final, reasons };
}

export function assessSeverity(input: SeverityInput): SeverityResult {
  const dpc = dataProcessingContext(input);
  const reasons = [...dpc.reasons];

  const eiQuarters = EI_QUARTERS[input.easeOfIdentification];
  const ei = eiQuarters / 4;
  reasons.push(`Ease of identification is ${EI_WORDING[input.easeOfIdentification]}: multiplier ${fmt(ei)}.`);

  const cbQ = {
    confidentiality: CONFIDENTIALITY_QUARTERS[input.confidentiality],
    integrity: INTEGRITY_QUARTERS[input.integrity],
    availability: AVAILABILITY_QUARTERS[input.availability],
    malicious: input.maliciousIntent ? MALICIOUS_QUARTERS : 0,
  };
  const cbTotalQ = cbQ.confidentiality + cbQ.integrity + cbQ.availability + cbQ.malicious;
  reasons.push(`${CONFIDENTIALITY_WORDING[input.confidentiality]}: circumstances +${fmt(cbQ.confidentiality / 4)}.`);
  reasons.push(`${INTEGRITY_WORDING[input.integrity]}: circumstances +${fmt(cbQ.integrity / 4)}.`);
  reasons.push(`${AVAILABILITY_WORDING[input.availability]}: circumstances +${fmt(cbQ.availability / 4)}.`);
  reasons.push(input.maliciousIntent
    ? 'The breach was intentional, to harm the individuals or the controller (malicious intent): circumstances +0.5.'
    : 'No malicious intent: circumstances +0.');
  const cbTotal = cbTotalQ / 4;
  reasons.push(`Circumstances of the breach (CB): ${fmt(cbTotal)}.`);

  // Everything is a whole number of quarters, so the score is exact; round to 2 decimals only at the end.
  const scoreQuarters = dpc.final * eiQuarters + cbTotalQ;
  const score = Math.round((scoreQuarters / 4) * 100) / 100;
  const band = severityBand(score);
  reasons.push(`Severity = DPC × EI + CB = ${dpc.final} × ${fmt(ei)} + ${fmt(cbTotal)} = ${fmt(score)}: ${BAND_WORDING[band]}.`);

  if (input.approxSubjects !== undefined) {
    reasons.push(`About ${input.approxSubjects.toLocaleString('en-US')} ${input.approxSubjects === 1 ? 'person is' : 'people are'} affected. ENISA keeps the number of individuals outside the formula, as a separate criterion: it does not change the score, but weigh it in the decision.`);
  }

  const availabilityLost = input.availability !== 'none';
  const exempt = input.dataUnintelligible && (!availabilityLost || input.backupsAvailable);
  let riskLevel: RiskLevel;
  if (exempt) {
    riskLevel = 'unlikely';
    reasons.push(`The data were unintelligible to anyone not authorised to read them (state-of-the-art encryption, key not compromised)${availabilityLost ? ' and backups restore what was lost' : ' and nothing was lost'}: a risk to the individuals is unlikely, whatever the band (GDPR Art. 34(3)(a), EDPB Guidelines 9/2022). ENISA keeps unintelligibility outside the formula; this rule is Tocsin's.`);
  } else {
    if (input.dataUnintelligible) {
      reasons.push(`The data were unintelligible to the attacker, but encryption does not help availability: the data are ${input.availability === 'full' ? 'fully' : 'temporarily'} unavailable and there is no backup, so the severity band decides the risk.`);
    }
    riskLevel = band === 'low' ? 'unlikely' : band === 'medium' ? 'risk' : 'high';
    reasons.push(`Tocsin maps the ${band.replace('_', ' ')} band to ${riskLevel === 'unlikely' ? 'a risk to individuals being unlikely' : riskLevel === 'risk' ? 'a risk to individuals' : 'a high risk to individuals'}; ENISA does not map its bands to notification duties, so this mapping is Tocsin's choice.`);
  }

  const recommendation: NotificationRecommendation = riskLevel === 'unlikely' ? 'document_only' : riskLevel === 'risk' ? 'notify_authority' : 'notify_authority_and_individuals';
  reasons.push({
    document_only: 'Recommendation: record the breach in the internal breach register (GDPR Art. 33(5)); no notification is needed.',
    notify_authority: 'Recommendation: notify the supervisory authority (GDPR Art. 33) and record the breach in the internal register.',
    notify_authority_and_individuals: 'Recommendation: notify the supervisory authority (GDPR Art. 33) and the individuals affected (Art. 34), and record the breach in the internal register.',
  }[recommendation]);

  return {
    score,
    band,
    components: {
      dpc: { base: dpc.base, baseCategory: dpc.baseCategory, adjustments: dpc.adjustments, final: dpc.final },
      ei,
      cb: {
        confidentiality: cbQ.confidentiality / 4,
        integrity: cbQ.integrity / 4,
        availability: cbQ.availability / 4,
        malicious: cbQ.malicious / 4,
        total: cbTotal,
      },
    },
    riskLevel,
    recommendation,
    reasons,
    method: ENISA_METHOD,
  };
}
