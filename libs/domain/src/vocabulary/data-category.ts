export const DATA_CATEGORIES = [
  'contact',
  'identity',
  'government_id',
  'financial',
  'payment_card',
  'credentials',
  'health',
  'genetic_biometric',
  'special_category',
  'children',
  'location',
  'communications_content',
  'behavioural',
  'other',
] as const;
export type DataCategory = (typeof DATA_CATEGORIES)[number];

export function isDataCategory(value: string): value is DataCategory {
  return (DATA_CATEGORIES as readonly string[]).includes(value);
}
