const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const LIST_ITEM = /^\s*(?:[•\-*])\s+/;

/**
 * Plain text (already HTML-escaped) to HTML blocks: a blank line separates paragraphs, a single newline is a
 * line break, and a block whose every line starts with `•`, `-` or `*` is a bullet list.
 */
export function escapedTextToHtml(escaped: string): string {
  const blocks = escaped.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((b) => b.trim()).filter((b) => b !== '');
  return blocks
    .map((block) => {
      const lines = block.split('\n');
      if (lines.every((l) => LIST_ITEM.test(l))) return `<ul>${lines.map((l) => `<li>${l.replace(LIST_ITEM, '')}</li>`).join('')}</ul>`;
      return `<p>${lines.join('<br>\n')}</p>`;
    })
    .join('\n');
}
