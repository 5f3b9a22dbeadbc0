/** The canonical form of a BCP 47 tag (`EN-us` → `en-US`), or null when it is not a well-formed tag. */
export function canonicalLanguageTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
}

/** The primary language subtag: `de-AT` → `de`. */
export function primarySubtag(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}

/**
 * The campaign language a subject reads. In order: the subject's exact tag; its primary subtag (`de-AT` →
 * `de`); another regional form of the same language that the campaign has (`pt-PT` → `pt-BR`, the first in
 * alphabetical order when there are several); otherwise the campaign's default language.
 * Tags are compared in canonical form, so `DE-at` matches `de-AT`.
 */
export function chooseNoticeLanguage(subjectLanguage: string | null | undefined, available: readonly string[], defaultLanguage: string): string {
  if (!subjectLanguage) return defaultLanguage;
  const wanted = canonicalLanguageTag(subjectLanguage);
  if (!wanted) return defaultLanguage;
  const byCanonical = new Map<string, string>();
  for (const tag of available) byCanonical.set(canonicalLanguageTag(tag) ?? tag, tag);
  const exact = byCanonical.get(wanted);
  if (exact) return exact;
  const primary = primarySubtag(wanted);
  const base = byCanonical.get(primary);
  if (base) return base;
  const sibling = [...byCanonical.keys()].filter((t) => primarySubtag(t) === primary).sort()[0];
  return sibling ? byCanonical.get(sibling)! : defaultLanguage;
}
