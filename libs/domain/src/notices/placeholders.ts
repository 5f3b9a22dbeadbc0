/** The placeholders a notice text may use; each is filled per recipient when the notice is rendered. */
export const NOTICE_PLACEHOLDERS = ['name', 'noticeUrl', 'incidentRef', 'contactPoint'] as const;
export type NoticePlaceholder = (typeof NOTICE_PLACEHOLDERS)[number];
export type PlaceholderValues = Record<NoticePlaceholder, string>;

const KNOWN = new Set<string>(NOTICE_PLACEHOLDERS);
// `{{ name }}`: spaces inside the braces are allowed; the name itself is case-sensitive.
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What is wrong with the placeholders of one text: unknown names, and braces that open no placeholder. */
export function placeholderProblems(text: string, disallowed: readonly NoticePlaceholder[] = []): string[] {
  const problems: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!KNOWN.has(name)) {
      problems.push(`unknown placeholder {{${name}}}; known: ${NOTICE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    } else if ((disallowed as readonly string[]).includes(name)) {
      problems.push(`placeholder {{${name}}} cannot be used here (it would refer to itself)`);
    }
  }
  const rest = text.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) problems.push('has a "{{" or "}}" that is not part of a placeholder like {{name}}');
  return problems;
}

/** The placeholders a text uses (known ones only). */
export function placeholdersIn(text: string): NoticePlaceholder[] {
  const out = new Set<NoticePlaceholder>();
  for (const match of text.matchAll(PLACEHOLDER)) if (KNOWN.has(match[1]!)) out.add(match[1] as NoticePlaceholder);
  return [...out];
}

/**
 * Fills the placeholders of a (validated) text. `escape` is applied to each value only, e.g. HTML escaping
 * when the surrounding text is already escaped; unknown placeholders are left as written.
 */
export function fillPlaceholders(text: string, values: PlaceholderValues, escape: (value: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (KNOWN.has(name) ? escape(values[name as NoticePlaceholder]) : whole));
}
