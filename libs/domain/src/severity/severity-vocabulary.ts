/**
 * The words an impact assessment is made of, as the ENISA 2013 severity method names its factors
 * (shared/reference/regulations.md §12). The API validates against these lists.
 */

/** EI: how easily the people in the data can be identified from it (and from anything reasonably at hand). */
export const EASE_OF_IDENTIFICATION = ['negligible', 'limited', 'significant', 'maximum'] as const;
export type EaseOfIdentification = (typeof EASE_OF_IDENTIFICATION)[number];

/** Loss of confidentiality: none proven, disclosed to a known number of recipients, or to an unknown number. */
export const CONFIDENTIALITY_LOSS = ['none', 'known_recipients', 'unknown_recipients'] as const;
export type ConfidentialityLoss = (typeof CONFIDENTIALITY_LOSS)[number];

/** Loss of integrity: none (or corrected before use), altered but recoverable, altered and not recoverable. */
export const INTEGRITY_LOSS = ['none', 'recoverable', 'not_recoverable'] as const;
export type IntegrityLoss = (typeof INTEGRITY_LOSS)[number];

/** Loss of availability: none (recoverable without difficulty), temporary, full. */
export const AVAILABILITY_LOSS = ['none', 'temporary', 'full'] as const;
export type AvailabilityLoss = (typeof AVAILABILITY_LOSS)[number];

/** ENISA's contextual factors that move the data processing context score up or down by one. */
export const CONTEXT_FACTORS = [
  'volume',
  'controller_nature',
  'vulnerable_individuals',
  'invalid_or_inaccurate',
  'publicly_available',
  'reveals_less',
] as const;
export type ContextFactor = (typeof CONTEXT_FACTORS)[number];

export const SEVERITY_BANDS = ['low', 'medium', 'high', 'very_high'] as const;
export type SeverityBand = (typeof SEVERITY_BANDS)[number];

/** GDPR vocabulary: a breach is unlikely to result in a risk, results in a risk, or in a high risk (Art. 33/34). */
export const RISK_LEVELS = ['unlikely', 'risk', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const NOTIFICATION_RECOMMENDATIONS = ['document_only', 'notify_authority', 'notify_authority_and_individuals'] as const;
export type NotificationRecommendation = (typeof NOTIFICATION_RECOMMENDATIONS)[number];

export function isContextFactor(value: string): value is ContextFactor {
  return (CONTEXT_FACTORS as readonly string[]).includes(value);
}
