import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import type { LetterModel } from '#domain';
import { findUnicodeFonts, LETTER_LAYOUT, LetterFontError, renderLetterPdf, writeLettersPdf } from './letter-pdf.js';
import { pdfText, pdfTextRuns } from './testing/pdf-text.js';
import { isWinAnsiText } from './win-ansi.js';

function letter(over: Partial<LetterModel> = {}): LetterModel {
  return {
    language: 'en',
    senderLine: 'Example Ltd · 1 High Street · London EC1A 1AA',
    recipientLines: ['Ana Silva', '12 Rose Lane', 'Flat 3', 'Manchester M1 1AA', 'United Kingdom'],
    dateLabel: 'Date',
    date: '24 November 2026',
    referenceLabel: 'Reference',
    reference: 'INC-2026-0007',
    subject: 'Security incident affecting your data',
    salutation: 'Dear Ana Silva,',
    sections: [
      { heading: 'What happened', text: 'A file with your address was exposed for three hours.' },
      { heading: 'What we have done and will do', text: 'We closed the access.\n\n• We made the bucket private.' },
      { heading: 'What you can do to protect yourself', text: 'Watch out for phishing.' },
      { heading: 'What we offer you', text: 'Free credit monitoring for 12 months.' },
      { heading: 'Contact', text: 'privacy@example.org' },
    ],
    fullNoticeLine: 'Read the full notice: https://notice.example/n/tok123',
    ...over,
  };
}

function sink() {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _e, cb) { chunks.push(chunk); cb(); } });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

const W = LETTER_LAYOUT.window;

describe('letter PDF', () => {
  it('is an A4 PDF carrying the sender line, the address, the date and the five elements', async () => {
    const pdf = await renderLetterPdf(letter(), { compress: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/);
    const text = pdfText(pdf);
    for (const line of [...letter().recipientLines, letter().senderLine, 'Date: 24 November 2026', 'Reference: INC-2026-0007', ...letter().sections.map((s) => s.heading), 'Dear Ana Silva,']) {
      expect(text).toContain(line);
    }
  });

  it('places the sender line and the address inside the envelope window (20 mm left, 45 mm top, 85 × 45 mm)', async () => {
    const l = letter();
    const runs = pdfTextRuns(await renderLetterPdf(l, { compress: false }));
    const inWindow = [l.senderLine, ...l.recipientLines].map((t) => runs.find((r) => r.text === t)!);
    for (const run of inWindow) {
      expect(run).toBeDefined();
      expect(run.x).toBeGreaterThanOrEqual(W.left);
      expect(run.x).toBeLessThan(W.left + W.width);
      expect(run.baseline).toBeGreaterThan(W.top);
      expect(run.baseline).toBeLessThan(W.top + W.height);
    }
    // The sender line is above the address; the address lines go down in order.
    const baselines = inWindow.map((r) => r.baseline);
    expect([...baselines].sort((a, b) => a - b)).toEqual(baselines);
    // The body starts below the window.
    expect(runs.find((r) => r.text === l.subject)!.baseline).toBeGreaterThan(W.top + W.height);
  });

  it('keeps a long address inside the window by shrinking its font', async () => {
    const l = letter({ recipientLines: ['To the parent or guardian of Maximilian Alexander von Musterhausen', 'Line 2', 'Line 3', 'Line 4', 'Line 5', 'Line 6', 'Line 7', 'Line 8'] });
    const runs = pdfTextRuns(await renderLetterPdf(l, { compress: false }));
    const address = runs.filter((r) => r.baseline > W.top + 17 && r.baseline < W.top + W.height + 10 && r.x < W.left + W.width);
    expect(address.map((r) => r.text)).toHaveLength(8);
    for (const r of address) expect(r.baseline).toBeLessThan(W.top + W.height);
    expect(Math.max(...address.map((r) => r.size))).toBeLessThan(10);
  });

  it('writes many letters into one stream, each starting on a new page, and pads for duplex', async () => {
    const many = Array.from({ length: 25 }, (_, i) => letter({ recipientLines: [`Person ${i}`, `${i} Rose Lane`, 'Manchester'] }));
    const out = sink();
    const result = await writeLettersPdf(many, out.stream, { compress: false });
    expect(result).toEqual({ letters: 25, pages: 25 });
    const runs = pdfTextRuns(out.bytes());
    expect(runs.filter((r) => /^Person \d+$/.test(r.text)).map((r) => r.page)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect((out.bytes().toString('latin1').match(/\/Type \/Page\b/g) ?? []).length).toBe(25);

    const duplex = sink();
    expect(await writeLettersPdf(many.slice(0, 3), duplex.stream, { compress: false, duplex: true })).toEqual({ letters: 3, pages: 6 });
  });

  it('accepts an async source (a database cursor, say)', async () => {
    async function* source() {
      for (let i = 0; i < 3; i++) yield letter({ recipientLines: [`Async ${i}`] });
    }
    const out = sink();
    expect(await writeLettersPdf(source(), out.stream, { compress: false })).toEqual({ letters: 3, pages: 3 });
    expect(pdfText(out.bytes())).toContain('Async 2');
  });

  it('a long letter flows onto further pages', async () => {
    const long = letter({ sections: [{ heading: 'What happened', text: 'A long explanation. '.repeat(600) }] });
    const out = sink();
    const r = await writeLettersPdf([long], out.stream, { compress: false });
    expect(r.pages).toBeGreaterThan(1);
  });

  it.each([
    ['Grüße, Müller, €, “quotes” – dash', true],
    ['Łódź', false],
    ['Ελληνικά', false],
  ])('%s can be shown by Helvetica: %s', (text, ok) => {
    expect(isWinAnsiText(text)).toBe(ok);
  });

  it('embeds a Unicode font for text Helvetica cannot show', async () => {
    const fonts = findUnicodeFonts();
    expect(fonts).toBeDefined(); // the test machine has DejaVu Sans; production can pass unicodeFonts
    const polish = letter({ recipientLines: ['Zażółć Gęślą', 'ul. Długa 5', '00-001 Łódź'] });
    const pdf = (await renderLetterPdf(polish, { compress: false, unicodeFonts: fonts })).toString('latin1');
    expect(pdf).toMatch(/\/FontFile2/);
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  });

  it('refuses a letter it cannot show when no Unicode font is available, and leaves the stream errored', async () => {
    const out = sink();
    const greek = letter({ subject: 'Περιστατικό ασφαλείας' });
    await expect(writeLettersPdf([greek], out.stream, { unicodeFonts: null })).rejects.toBeInstanceOf(LetterFontError);
    expect(out.stream.destroyed).toBe(true);
    // Latin text needs no extra font.
    await expect(renderLetterPdf(letter(), { unicodeFonts: null })).resolves.toBeInstanceOf(Buffer);
  });
});

describe('letter PDF batches', () => {
  it('mixes Latin and non-Latin letters in one batch, each in a font that can show it', async () => {
    const out = sink();
    const mixed = [letter(), letter({ recipientLines: ['Ελένη Παπαδοπούλου', 'Οδός Αθηνάς 3', '105 51 Αθήνα'] }), letter({ recipientLines: ['Back to Latin'] })];
    expect(await writeLettersPdf(mixed, out.stream, { compress: false })).toEqual({ letters: 3, pages: 3 });
    const pdf = out.bytes().toString('latin1');
    expect(pdf).toMatch(/\/BaseFont \/Helvetica\b/);
    expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    // Latin letters stay readable as WinAnsi text runs after the Unicode one.
    expect(pdfTextRuns(out.bytes()).find((r) => r.text === 'Back to Latin')?.page).toBe(3);
  });
});

describe('letter PDF compression', () => {
  it('compresses by default, and the text is still there once inflated', async () => {
    const pdf = await renderLetterPdf(letter());
    expect(pdf.toString('latin1')).toMatch(/\/FlateDecode/);
    expect(pdf.toString('latin1')).not.toContain('12 Rose Lane');
    expect(pdfText(pdf)).toContain('12 Rose Lane');
    expect(pdf.length).toBeLessThan((await renderLetterPdf(letter(), { compress: false })).length);
  });
});
