import { describe, expect, it } from '@jest/globals';
import { DATA_CATEGORIES, type DataCategory } from '../vocabulary/data-category.js';
import { assessSeverity, CATEGORY_SCORES, ENISA_METHOD, type SeverityInput, severityBand } from './enisa-severity.js';
import { CONTEXT_FACTORS, type ContextFactor } from './severity-vocabulary.js';

/** A neutral assessment: EI maximum (×1), no circumstances, no adjustments, nothing encrypted. */
function input(over: Partial<SeverityInput> = {}): SeverityInput {
  return {
    dataCategories: ['contact'],
    easeOfIdentification: 'maximum',
    confidentiality: 'none',
    integrity: 'none',
    availability: 'none',
    maliciousIntent: false,
    dataUnintelligible: false,
    backupsAvailable: false,
    vulnerableSubjects: false,
    ...over,
  };
}

describe('ENISA severity: data processing context by category', () => {
  it.each<[DataCategory, number, number]>([
    // category, basic score, final DPC (children carries the vulnerable-individuals raise)
    ['contact', 1, 1],
    ['identity', 1, 1],
    ['other', 1, 1],
    ['location', 2, 2],
    ['behavioural', 2, 2],
    ['communications_content', 2, 2],
    ['financial', 3, 3],
    ['payment_card', 3, 3],
    ['government_id', 3, 3],
    ['health', 4, 4],
    ['genetic_biometric', 4, 4],
    ['special_category', 4, 4],
    ['children', 1, 2],
    ['credentials', 2, 2],
  ])('%s scores %i (final %i)', (category, base, final) => {
    const r = assessSeverity(input({ dataCategories: [category] }));
    expect(r.components.dpc.base).toBe(base);
    expect(r.components.dpc.baseCategory).toBe(category);
    expect(r.components.dpc.final).toBe(final);
    expect(r.score).toBe(final); // × EI 1 + CB 0
    expect(r.method).toBe(ENISA_METHOD);
  });

  it('covers every category of the vocabulary', () => {
    const scored = [...Object.keys(CATEGORY_SCORES), 'credentials'].sort();
    expect(scored).toEqual([...DATA_CATEGORIES].sort());
  });

  it.each<[DataCategory, string]>([
    ['health', 'Health data is a sensitive category: data processing context 4.'],
    ['government_id', "ENISA does not list them, so this is Tocsin's choice."],
    ['children', 'Children is a category of people, not of data'],
    ['payment_card', 'Payment card data is a financial category'],
  ])('explains the %s score in plain words', (category, text) => {
    expect(assessSeverity(input({ dataCategories: [category] })).reasons.join(' ')).toContain(text);
  });

  it.each<[DataCategory[], number, DataCategory]>([
    [['contact', 'health', 'financial'], 4, 'health'],
    [['identity', 'payment_card', 'location'], 3, 'payment_card'],
    [['financial', 'government_id'], 3, 'financial'],
    [['other', 'contact'], 1, 'other'],
  ])('several categories %j: the highest, %i (%s), is the base', (categories, base, baseCategory) => {
    const r = assessSeverity(input({ dataCategories: categories }));
    expect(r.components.dpc.base).toBe(base);
    expect(r.components.dpc.baseCategory).toBe(baseCategory);
    expect(r.reasons).toContain(`With several categories, ENISA takes the highest score: ${base} (${baseCategory.replace(/_/g, ' ')}).`);
  });
});

describe('ENISA severity: credentials', () => {
  it.each<[DataCategory[], SeverityInput['credentialsGiveAccessTo'], number, DataCategory, RegExp]>([
    [['credentials'], 'health', 4, 'credentials', /give access to \(health\): data processing context 4/],
    [['credentials'], 'financial', 3, 'credentials', /give access to \(financial\): data processing context 3/],
    [['credentials'], 'contact', 1, 'credentials', /give access to \(contact\): data processing context 1/],
    [['credentials'], undefined, 2, 'credentials', /does not say what they open, so Tocsin assumes behavioural data: data processing context 2/],
    [['financial', 'credentials'], 'contact', 3, 'financial', /give access to \(contact\)/],
    [['contact', 'credentials'], 'special_category', 4, 'credentials', /give access to \(special category\)/],
  ])('%j opening %s: base %i from %s', (categories, opens, base, baseCategory, reason) => {
    const r = assessSeverity(input({ dataCategories: categories, credentialsGiveAccessTo: opens }));
    expect(r.components.dpc.base).toBe(base);
    expect(r.components.dpc.baseCategory).toBe(baseCategory);
    expect(r.reasons.join(' ')).toMatch(reason);
  });

  it("credentials that open children's data carry the vulnerable-individuals raise", () => {
    const r = assessSeverity(input({ dataCategories: ['credentials'], credentialsGiveAccessTo: 'children' }));
    expect(r.components.dpc).toMatchObject({ base: 1, final: 2, adjustments: [{ factor: 'vulnerable_individuals', delta: 1 }] });
  });
});

describe('ENISA severity: contextual adjustments', () => {
  it.each<[ContextFactor, number]>([
    ['volume', 1],
    ['controller_nature', 1],
    ['vulnerable_individuals', 1],
    ['invalid_or_inaccurate', -1],
    ['publicly_available', -1],
    ['reveals_less', -1],
  ])('%s moves the DPC by %i', (factor, delta) => {
    const r = assessSeverity(input({ dataCategories: ['financial'], contextAdjustments: [factor] }));
    expect(r.components.dpc.adjustments).toEqual([{ factor, delta }]);
    expect(r.components.dpc.final).toBe(3 + delta);
    expect(r.reasons.join(' ')).toContain(`${delta > 0 ? 'raises' : 'lowers'} the data processing context by 1.`);
  });

  it.each<[string, Partial<SeverityInput>, number]>([
    // the vulnerable-individuals factor counts once, whatever says it
    ['the vulnerableSubjects flag', { vulnerableSubjects: true }, 3],
    ['the children category', { dataCategories: ['location', 'children'] }, 3],
    ['flag, factor and children together', { dataCategories: ['location', 'children'], vulnerableSubjects: true, contextAdjustments: ['vulnerable_individuals'] }, 3],
    ['raise and lowering cancel', { vulnerableSubjects: true, contextAdjustments: ['publicly_available'] }, 2],
    ['all raises', { contextAdjustments: ['volume', 'controller_nature', 'vulnerable_individuals'] }, 4],
  ])('%s %j on behavioural data gives DPC %i', (_label, over, final) => {
    const r = assessSeverity(input({ dataCategories: ['location'], ...over }));
    expect(r.components.dpc.final).toBe(final);
    expect(r.components.dpc.adjustments.filter((a) => a.factor === 'vulnerable_individuals').length).toBeLessThanOrEqual(1);
  });

  it.each<[DataCategory, ContextFactor[], number, number]>([
    ['health', ['volume'], 5, 4],
    ['health', ['volume', 'controller_nature', 'vulnerable_individuals'], 7, 4],
    ['contact', ['publicly_available'], 0, 1],
    ['contact', ['invalid_or_inaccurate', 'publicly_available', 'reveals_less'], -2, 1],
  ])('%s with %j would be %i and is clamped to %i', (category, factors, unclamped, final) => {
    const r = assessSeverity(input({ dataCategories: [category], contextAdjustments: factors }));
    expect(r.components.dpc.final).toBe(final);
    expect(r.reasons).toContain(`The adjustments would take the data processing context to ${unclamped}; ENISA keeps it within 1 to 4, so it is ${final}.`);
  });

  it('lists adjustments in a stable order whatever order they came in', () => {
    const r = assessSeverity(input({ dataCategories: ['financial'], contextAdjustments: [...CONTEXT_FACTORS].reverse() }));
    expect(r.components.dpc.adjustments.map((a) => a.factor)).toEqual([...CONTEXT_FACTORS]);
    expect(r.components.dpc.final).toBe(3);
  });
});

describe('ENISA severity: ease of identification', () => {
  it.each<[SeverityInput['easeOfIdentification'], number]>([
    ['negligible', 0.25],
    ['limited', 0.5],
    ['significant', 0.75],
    ['maximum', 1],
  ])('%s multiplies by %d', (level, ei) => {
    const r = assessSeverity(input({ dataCategories: ['health'], easeOfIdentification: level }));
    expect(r.components.ei).toBe(ei);
    expect(r.score).toBe(4 * ei);
    expect(r.reasons.join(' ')).toContain(`multiplier ${ei}.`);
  });
});

describe('ENISA severity: circumstances of the breach', () => {
  it.each<[Partial<SeverityInput>, 'confidentiality' | 'integrity' | 'availability' | 'malicious', number]>([
    [{ confidentiality: 'none' }, 'confidentiality', 0],
    [{ confidentiality: 'known_recipients' }, 'confidentiality', 0.25],
    [{ confidentiality: 'unknown_recipients' }, 'confidentiality', 0.5],
    [{ integrity: 'none' }, 'integrity', 0],
    [{ integrity: 'recoverable' }, 'integrity', 0.25],
    [{ integrity: 'not_recoverable' }, 'integrity', 0.5],
    [{ availability: 'none' }, 'availability', 0],
    [{ availability: 'temporary' }, 'availability', 0.25],
    [{ availability: 'full' }, 'availability', 0.5],
    [{ maliciousIntent: false }, 'malicious', 0],
    [{ maliciousIntent: true }, 'malicious', 0.5],
  ])('%j adds %s %d', (over, element, value) => {
    const r = assessSeverity(input(over));
    expect(r.components.cb[element]).toBe(value);
    expect(r.components.cb.total).toBe(value);
    expect(r.score).toBe(1 + value);
  });

  it('adds the four elements together', () => {
    const r = assessSeverity(input({ confidentiality: 'known_recipients', integrity: 'not_recoverable', availability: 'temporary', maliciousIntent: true }));
    expect(r.components.cb).toEqual({ confidentiality: 0.25, integrity: 0.5, availability: 0.25, malicious: 0.5, total: 1.5 });
    expect(r.score).toBe(2.5);
  });
});

describe('ENISA severity: score and bands', () => {
  it.each<[number, string]>([
    [0.25, 'low'],
    [1.99, 'low'],
    [2.0, 'medium'],
    [2.99, 'medium'],
    [3.0, 'high'],
    [3.99, 'high'],
    [4.0, 'very_high'],
    [6, 'very_high'],
  ])('severityBand(%d) is %s', (score, band) => {
    expect(severityBand(score)).toBe(band);
  });

  it.each<[string, Partial<SeverityInput>, number, string]>([
    ['just below medium', { dataCategories: ['contact'], confidentiality: 'unknown_recipients', integrity: 'recoverable' }, 1.75, 'low'],
    ['medium edge (DPC 2 × 1)', { dataCategories: ['location'] }, 2, 'medium'],
    ['medium edge (4 × 0.5)', { dataCategories: ['health'], easeOfIdentification: 'limited' }, 2, 'medium'],
    ['medium edge (1 × 1 + 1)', { dataCategories: ['contact'], confidentiality: 'unknown_recipients', integrity: 'not_recoverable' }, 2, 'medium'],
    ['just below high', { dataCategories: ['financial'], easeOfIdentification: 'significant', confidentiality: 'unknown_recipients' }, 2.75, 'medium'],
    ['high edge (3 × 1)', { dataCategories: ['payment_card'] }, 3, 'high'],
    ['high edge (4 × 0.75)', { dataCategories: ['health'], easeOfIdentification: 'significant' }, 3, 'high'],
    ['just below very high', { dataCategories: ['health'], easeOfIdentification: 'significant', availability: 'full', integrity: 'recoverable' }, 3.75, 'high'],
    ['very high edge', { dataCategories: ['genetic_biometric'] }, 4, 'very_high'],
    ['maximum', { dataCategories: ['special_category'], confidentiality: 'unknown_recipients', integrity: 'not_recoverable', availability: 'full', maliciousIntent: true }, 6, 'very_high'],
    ['minimum', { dataCategories: ['contact'], easeOfIdentification: 'negligible' }, 0.25, 'low'],
    ['minimum, even when lowered below 1', { dataCategories: ['other'], easeOfIdentification: 'negligible', contextAdjustments: ['publicly_available'] }, 0.25, 'low'],
  ])('%s (%j): %d is %s', (_label, over, score, band) => {
    const r = assessSeverity(input(over));
    expect(r.score).toBe(score);
    expect(r.band).toBe(band);
  });

  it('writes the formula with its figures', () => {
    const r = assessSeverity(input({ dataCategories: ['financial'], easeOfIdentification: 'limited', confidentiality: 'unknown_recipients', maliciousIntent: true }));
    expect(r.reasons).toContain('Severity = DPC × EI + CB = 3 × 0.5 + 1 = 2.5: medium (significant inconveniences, overcome with some difficulty).');
  });
});

describe('ENISA severity: risk level and recommendation', () => {
  it.each<[Partial<SeverityInput>, string, string, string]>([
    [{ dataCategories: ['contact'] }, 'low', 'unlikely', 'document_only'],
    [{ dataCategories: ['location'] }, 'medium', 'risk', 'notify_authority'],
    [{ dataCategories: ['financial'] }, 'high', 'high', 'notify_authority_and_individuals'],
    [{ dataCategories: ['health'] }, 'very_high', 'high', 'notify_authority_and_individuals'],
  ])('%j: band %s → %s → %s', (over, band, riskLevel, recommendation) => {
    const r = assessSeverity(input(over));
    expect(r.band).toBe(band);
    expect(r.riskLevel).toBe(riskLevel);
    expect(r.recommendation).toBe(recommendation);
    expect(r.reasons.join(' ')).toContain('ENISA does not map its bands to notification duties');
  });

  // Health data, maximum identifiability, unknown recipients: very high without the encryption rule.
  it.each<[boolean, SeverityInput['availability'], boolean, string, string, string]>([
    [true, 'none', false, 'unlikely', 'document_only', 'Art. 34(3)(a)'],
    [true, 'none', true, 'unlikely', 'document_only', 'Art. 34(3)(a)'],
    [true, 'temporary', true, 'unlikely', 'document_only', 'backups restore what was lost'],
    [true, 'full', true, 'unlikely', 'document_only', 'backups restore what was lost'],
    [true, 'temporary', false, 'high', 'notify_authority_and_individuals', 'encryption does not help availability: the data are temporarily unavailable'],
    [true, 'full', false, 'high', 'notify_authority_and_individuals', 'encryption does not help availability: the data are fully unavailable'],
    [false, 'none', true, 'high', 'notify_authority_and_individuals', 'Tocsin maps the very high band'],
  ])('unintelligible %s, availability %s, backups %s → %s, %s', (unintelligible, availability, backups, riskLevel, recommendation, text) => {
    const r = assessSeverity(input({ dataCategories: ['health'], confidentiality: 'unknown_recipients', dataUnintelligible: unintelligible, availability, backupsAvailable: backups }));
    expect(r.band).toBe('very_high'); // the band itself is never changed by encryption
    expect(r.riskLevel).toBe(riskLevel);
    expect(r.recommendation).toBe(recommendation);
    expect(r.reasons.join(' ')).toContain(text);
  });

  it('the exemption recommends recording in the internal register (Art. 33(5))', () => {
    const r = assessSeverity(input({ dataCategories: ['health'], dataUnintelligible: true }));
    expect(r.reasons[r.reasons.length - 1]).toMatch(/internal breach register \(GDPR Art\. 33\(5\)\)/);
  });
});

describe('ENISA severity: number of people', () => {
  it.each<[number | undefined, string | undefined]>([
    [12000, 'About 12,000 people are affected. ENISA keeps the number of individuals outside the formula'],
    [1, 'About 1 person is affected.'],
    [undefined, undefined],
  ])('approxSubjects %s is informative only', (approxSubjects, text) => {
    const r = assessSeverity(input({ dataCategories: ['location'], approxSubjects }));
    expect(r.score).toBe(2);
    const line = r.reasons.find((s) => s.startsWith('About '));
    if (text === undefined) expect(line).toBeUndefined();
    else expect(line).toContain(text);
  });
});

describe('ENISA severity: refuses what it cannot score', () => {
  it('throws on no data category', () => {
    expect(() => assessSeverity(input({ dataCategories: [] }))).toThrow(RangeError);
  });
});
