import type { EmailMessage } from '../channel.js';

/**
 * The message as its recipient reads it: every tag replaced by its value, in one pass (a value that happens to
 * contain a tag is not expanded again). What SendGrid does with `personalizations[].substitutions`.
 */
export function applyEmailSubstitutions(message: EmailMessage): EmailMessage {
  const substitutions = message.substitutions;
  if (!substitutions || Object.keys(substitutions).length === 0) return message;
  const tags = Object.keys(substitutions).sort((a, b) => b.length - a.length).map((tag) => tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(tags.join('|'), 'g');
  const fill = (text: string) => text.replace(pattern, (tag) => substitutions[tag]!);
  const { substitutions: _applied, ...rest } = message;
  return { ...rest, subject: fill(message.subject), html: fill(message.html), text: fill(message.text) };
}
