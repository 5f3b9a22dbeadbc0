import type { NoticeContent, NoticeTexts } from './notice-content.js';

/** A remediation action a notice must mention: its kind and the sentence the public reads. */
export interface RemediationBullet {
  kind: string;
  wording: string;
}

const BULLET = '• ';

function appendBullets(text: string, bullets: readonly RemediationBullet[]): string {
  if (bullets.length === 0) return text;
  const lines = bullets.map((b) => BULLET + b.wording.trim().replace(/\s*\n\s*/g, ' '));
  return `${text.trimEnd()}\n\n${lines.join('\n')}`;
}

/**
 * The texts with the remediation actions flagged for notices added as bullet lines after the written text:
 * `support` actions (help offered to the person) under the remedial measures, every other kind under the
 * measures taken.
 */
export function withRemediation(texts: NoticeTexts, bullets: readonly RemediationBullet[] | null | undefined): NoticeTexts {
  if (!bullets || bullets.length === 0) return texts;
  return {
    ...texts,
    measuresTaken: appendBullets(texts.measuresTaken, bullets.filter((b) => b.kind !== 'support')),
    remedialMeasures: appendBullets(texts.remedialMeasures, bullets.filter((b) => b.kind === 'support')),
  };
}

/** `withRemediation` applied to every language. */
export function contentWithRemediation(content: NoticeContent, bullets: readonly RemediationBullet[] | null | undefined): NoticeContent {
  return Object.fromEntries(Object.entries(content).map(([lang, texts]) => [lang, withRemediation(texts, bullets)]));
}
