import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { LetterModel } from '#domain';
import { isWinAnsiText } from './win-ansi.js';

/** Millimetres to PDF points. */
export const mm = (v: number): number => (v * 72) / 25.4;

/**
 * The layout, in millimetres from the top-left corner of an A4 page, after DIN 5008 form B for a C5/6 or DL
 * windowed envelope: the window is 20 mm from the left, 45 mm from the top, 85 × 45 mm. Its upper 17.7 mm hold
 * the sender line (return address, printed small); the address zone below holds the recipient.
 */
export const LETTER_LAYOUT = {
  page: { width: 210, height: 297 },
  window: { left: 20, top: 45, width: 85, height: 45 },
  /** Text inside the window keeps 5 mm from its left and right edges. */
  windowPadding: 5,
  senderLineBaseline: 60,
  addressZone: { top: 62.7, height: 27.3 },
  infoBlock: { left: 125, top: 50, width: 75 },
  subjectTop: 103.46,
  margins: { left: 25, right: 20, top: 20, bottom: 20 },
  foldMarks: [105, 210],
  holeMark: 148.5,
} as const;

export interface LetterFonts {
  /** A TrueType/OpenType font: a file path or its bytes. */
  regular: string | Buffer;
  bold: string | Buffer;
}

export interface LetterPdfOptions {
  /**
   * Fonts for text the standard PDF fonts cannot show (Greek, Cyrillic, Polish, …). Default: a system font
   * found in `UNICODE_FONT_CANDIDATES`; null: none (such a letter is refused with a `LetterFontError`).
   */
  unicodeFonts?: LetterFonts | null;
  /** `false` writes readable content streams (tests). Default true. */
  compress?: boolean;
  /** Start every letter on a front side: pad a letter with an odd number of pages with a blank page. */
  duplex?: boolean;
  /** Document title (metadata). */
  title?: string;
}

/** Where a Unicode font is looked for when none is configured (Debian/Ubuntu, Fedora, Alpine, macOS). */
export const UNICODE_FONT_CANDIDATES: LetterFonts[] = [
  { regular: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf', bold: '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/dejavu/DejaVuSans.ttf', bold: '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf' },
  { regular: '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', bold: '/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf' },
  { regular: '/Library/Fonts/Arial Unicode.ttf', bold: '/Library/Fonts/Arial Unicode.ttf' },
];

export class LetterFontError extends Error {
  constructor() {
    super('This letter has characters the standard PDF fonts cannot show, and no Unicode font was configured or found (install DejaVu Sans or pass unicodeFonts).');
    this.name = 'LetterFontError';
  }
}

export function findUnicodeFonts(candidates: LetterFonts[] = UNICODE_FONT_CANDIDATES): LetterFonts | undefined {
  return candidates.find((f) => [f.regular, f.bold].every((p) => typeof p !== 'string' || existsSync(p)));
}

type Doc = InstanceType<typeof PDFDocument>;

// pdfkit caches a font under its registered name, so each family keeps its own names.
// pdfkit's own names: an alias makes it re-parse the font metrics on every font() call (about 7x slower).
const STANDARD = { regular: 'Helvetica', bold: 'Helvetica-Bold' } as const;
const UNICODE = { regular: 'unicode-regular', bold: 'unicode-bold' } as const;

function letterText(l: LetterModel): string {
  return [l.senderLine, ...l.recipientLines, l.dateLabel, l.date, l.referenceLabel, l.reference, l.subject, l.salutation,
    ...l.sections.flatMap((s) => [s.heading, s.text]), l.fullNoticeLine].join('\n');
}

class LetterWriter {
  readonly doc: Doc;
  pages = 0;
  letters = 0;
  private unicode: LetterFonts | undefined | null = null;
  /** The fonts of the letter being written. */
  private font: { regular: string; bold: string } = STANDARD;

  constructor(private readonly options: LetterPdfOptions) {
    const { margins } = LETTER_LAYOUT;
    this.doc = new PDFDocument({
      size: 'A4',
      autoFirstPage: false,
      compress: options.compress ?? true,
      margins: { top: mm(margins.top), bottom: mm(margins.bottom), left: mm(margins.left), right: mm(margins.right) },
      info: { Title: options.title ?? 'Notice', Producer: 'Tocsin', Creator: 'Tocsin' },
      displayTitle: true,
    });
    this.doc.on('pageAdded', () => {
      this.pages += 1;
      this.marks();
    });
  }

  /** Chooses the fonts for one letter: Helvetica when it can show every character, else a Unicode font. */
  private useFonts(letter: LetterModel): void {
    if (isWinAnsiText(letterText(letter))) {
      this.font = STANDARD;
      return;
    }
    if (this.unicode === null) {
      this.unicode = this.options.unicodeFonts === undefined ? findUnicodeFonts() : this.options.unicodeFonts ?? undefined;
      if (this.unicode) {
        this.doc.registerFont(UNICODE.regular, this.unicode.regular as string);
        this.doc.registerFont(UNICODE.bold, this.unicode.bold as string);
      }
    }
    if (!this.unicode) throw new LetterFontError();
    this.font = UNICODE;
  }

  /** Fold marks and the hole mark on the left edge, as DIN 5008 form B places them. */
  private marks(): void {
    const { doc } = this;
    doc.save().lineWidth(0.3).strokeColor('#808080');
    for (const y of LETTER_LAYOUT.foldMarks) doc.moveTo(mm(4), mm(y)).lineTo(mm(8), mm(y)).stroke();
    doc.moveTo(mm(4), mm(LETTER_LAYOUT.holeMark)).lineTo(mm(10), mm(LETTER_LAYOUT.holeMark)).stroke();
    doc.restore();
  }

  /** One line that must fit `width`: the font shrinks down to `min` points, then the line is cut. */
  private fittedLine(text: string, x: number, y: number, width: number, size: number, min: number): number {
    const { doc } = this;
    doc.font(this.font.regular);
    let s = size;
    while (s > min && doc.fontSize(s).widthOfString(text) > width) s -= 0.5;
    doc.fontSize(s);
    let shown = text;
    if (doc.widthOfString(shown) > width) {
      const chars = [...text];
      while (chars.length > 1 && doc.widthOfString(chars.join('').trimEnd() + '…') > width) chars.pop();
      shown = chars.join('').trimEnd() + '…';
    }
    doc.text(shown, x, y, { lineBreak: false });
    return s;
  }

  write(letter: LetterModel): void {
    const { doc } = this;
    const L = LETTER_LAYOUT;
    this.useFonts(letter);
    const firstPage = this.pages;
    doc.addPage();
    const inner = { x: mm(L.window.left + L.windowPadding), width: mm(L.window.width - 2 * L.windowPadding) };

    // Sender line: small, underlined, at the foot of the window's upper zone, so it shows through the window.
    doc.font(this.font.regular).fontSize(7);
    const senderSize = this.fittedLine(letter.senderLine, inner.x, mm(L.senderLineBaseline) - doc.currentLineHeight(), inner.width, 7, 5);
    const senderWidth = Math.min(doc.fontSize(senderSize).widthOfString(letter.senderLine), inner.width);
    doc.save().lineWidth(0.3).moveTo(inner.x, mm(L.senderLineBaseline) + 1).lineTo(inner.x + senderWidth, mm(L.senderLineBaseline) + 1).stroke().restore();

    // Recipient: the address zone holds six lines at 10 pt; more lines take a smaller font, never leave the window.
    const lines = letter.recipientLines.length ? letter.recipientLines : ['—'];
    let size = 10;
    doc.font(this.font.regular);
    while (size > 7 && lines.length * doc.fontSize(size).currentLineHeight(true) > mm(L.addressZone.height)) size -= 0.5;
    const capacity = Math.max(1, Math.floor(mm(L.addressZone.height) / doc.fontSize(size).currentLineHeight(true)));
    const shown = lines.length <= capacity ? lines : [...lines.slice(0, capacity - 1), lines.slice(capacity - 1).join(', ')];
    let y = mm(L.addressZone.top);
    for (const line of shown) {
      this.fittedLine(line, inner.x, y, inner.width, size, 6);
      y += doc.fontSize(size).currentLineHeight(true);
    }

    // Information block: date and reference.
    const info = { x: mm(L.infoBlock.left), width: mm(L.infoBlock.width) };
    doc.font(this.font.regular).fontSize(9);
    doc.text(`${letter.dateLabel}: ${letter.date}`, info.x, mm(L.infoBlock.top), { width: info.width });
    doc.text(`${letter.referenceLabel}: ${letter.reference}`, info.x, doc.y, { width: info.width });

    // Body.
    const body = { x: mm(L.margins.left), width: mm(L.page.width - L.margins.left - L.margins.right) };
    doc.font(this.font.bold).fontSize(12).text(letter.subject, body.x, mm(L.subjectTop), { width: body.width });
    doc.moveDown(1);
    doc.font(this.font.regular).fontSize(10.5).text(letter.salutation, body.x, doc.y, { width: body.width });
    for (const section of letter.sections) {
      doc.moveDown(0.8);
      doc.font(this.font.bold).fontSize(11).text(section.heading, body.x, doc.y, { width: body.width });
      doc.moveDown(0.2);
      doc.font(this.font.regular).fontSize(10.5).text(section.text, body.x, doc.y, { width: body.width, lineGap: 1.5, paragraphGap: 4 });
    }
    doc.moveDown(1);
    doc.font(this.font.regular).fontSize(10.5).text(letter.fullNoticeLine, body.x, doc.y, { width: body.width });

    if (this.options.duplex && (this.pages - firstPage) % 2 === 1) doc.addPage();
    this.letters += 1;
  }
}

/**
 * Renders letters into one PDF written to `output` (a print batch: one PDF, each letter starting on a new
 * page). Pages are flushed as they are finished and the writer waits for `output` to drain, so memory stays
 * flat however many letters come. Resolves once the PDF is fully written.
 */
export async function writeLettersPdf(letters: Iterable<LetterModel> | AsyncIterable<LetterModel>, output: Writable, options: LetterPdfOptions = {}): Promise<{ letters: number; pages: number }> {
  const writer = new LetterWriter(options);
  const finished = new Promise<void>((resolve, reject) => {
    output.once('finish', resolve);
    output.once('error', reject);
    writer.doc.once('error', reject);
  });
  writer.doc.pipe(output);
  try {
    for await (const letter of letters) {
      writer.write(letter);
      if (output.writableNeedDrain) await once(output, 'drain');
    }
    if (writer.letters === 0) throw new Error('a letter batch needs at least one letter');
  } catch (error) {
    finished.catch(() => undefined);
    writer.doc.unpipe(output);
    output.destroy(error as Error);
    throw error;
  }
  writer.doc.end();
  await finished;
  return { letters: writer.letters, pages: writer.pages };
}

/** One letter as a PDF in memory (previews; a letter is a few kilobytes). */
export async function renderLetterPdf(letter: LetterModel, options: LetterPdfOptions = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  await writeLettersPdf([letter], sink, options);
  return Buffer.concat(chunks);
}
