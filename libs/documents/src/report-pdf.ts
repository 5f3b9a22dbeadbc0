import { Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import type { ReportDocument, ReportField } from '#domain';
import { findUnicodeFonts, type LetterFonts, mm } from './letter-pdf.js';
import { isWinAnsiText } from './win-ansi.js';

/**
 * A regulator report as an A4 PDF: its identity and deadline, then every required field with its value or
 * "MISSING" (and the UNCONFIRMED note where the reference marks one), the figures, the changes since the
 * last report, and for periodic logs one block per breach. Text the standard fonts cannot show is set in a
 * Unicode font when one is found (DejaVu, Noto); characters outside it are replaced by "?".
 */

export interface ReportPdfOptions {
  /** `false` writes readable content streams (tests). Default true. */
  compress?: boolean;
  /** Default: a system font from letter-pdf's candidates; null: standard fonts only. */
  unicodeFonts?: LetterFonts | null;
}

export const MISSING = 'MISSING';

type Doc = InstanceType<typeof PDFDocument>;

class ReportWriter {
  readonly doc: Doc;
  private readonly unicode: LetterFonts | undefined;
  private readonly width = mm(210 - 20 - 20);
  private readonly left = mm(20);

  constructor(private readonly report: ReportDocument, options: ReportPdfOptions) {
    this.doc = new PDFDocument({
      size: 'A4',
      compress: options.compress ?? true,
      margins: { top: mm(20), bottom: mm(20), left: mm(20), right: mm(20) },
      info: { Title: `${report.regime.name}: ${report.notification.id} ${report.phase.id}`, Producer: 'Tocsin', Creator: 'Tocsin' },
      displayTitle: true,
    });
    this.doc.registerFont('std', 'Helvetica');
    this.doc.registerFont('std-bold', 'Helvetica-Bold');
    this.unicode = options.unicodeFonts === undefined ? findUnicodeFonts() : options.unicodeFonts ?? undefined;
    if (this.unicode) {
      this.doc.registerFont('uni', this.unicode.regular as string);
      this.doc.registerFont('uni-bold', this.unicode.bold as string);
    }
  }

  /** Writes one paragraph in the font that can show it. */
  private text(value: string, opts: { bold?: boolean; size?: number; gap?: number; color?: string } = {}): void {
    let shown = value;
    let font = opts.bold ? 'std-bold' : 'std';
    if (!isWinAnsiText(value)) {
      if (this.unicode) font = opts.bold ? 'uni-bold' : 'uni';
      else shown = [...value].map((ch) => (isWinAnsiText(ch) ? ch : '?')).join('');
    }
    this.doc.font(font).fontSize(opts.size ?? 10).fillColor(opts.color ?? '#000000');
    this.doc.text(shown, this.left, this.doc.y, { width: this.width, lineGap: 1, paragraphGap: opts.gap ?? 2 });
  }

  private heading(value: string): void {
    this.doc.moveDown(0.6);
    this.text(value, { bold: true, size: 12, gap: 4 });
  }

  private field(f: ReportField): void {
    this.text(`${f.label} [${f.id}]`, { bold: true, size: 10, gap: 1 });
    if (f.value === null) this.text(MISSING, { bold: true, color: '#b00020' });
    else this.text(f.value);
    const notes = [f.source ? `Source: ${f.source.replace(/_/g, ' ')}` : null, f.note, f.unconfirmed ? `UNCONFIRMED: ${f.unconfirmed}` : null].filter((x): x is string => !!x);
    if (notes.length) this.text(notes.join('. '), { size: 8, color: '#555555' });
    this.doc.moveDown(0.3);
  }

  write(): void {
    const r = this.report;
    const status = r.report.status === 'draft' ? 'DRAFT - not released' : r.report.status;
    this.text(`${r.regime.name}`, { bold: true, size: 15, gap: 2 });
    this.text(`Report to: ${r.notification.recipient}`, { size: 11 });
    this.doc.moveDown(0.4);
    const meta = [
      `Report ${r.report.id}, version ${r.report.version}${r.report.supersedes ? ` (corrects ${r.report.supersedes})` : ''}, ${status}`,
      r.incident ? `Incident ${r.incident.ref}: ${r.incident.title} (aware ${r.incident.awareAt})` : null,
      r.period ? `Period ${r.period.key}: ${r.period.from} to ${r.period.to} (${r.organisation.timeZone})` : null,
      `Notification ${r.notification.id}, phase ${r.phase.id} (${r.phase.kind})${r.jurisdiction ? `, ${r.jurisdiction}` : ''}; ${r.notification.citation}`,
      `Due: ${r.deadline.dueAt ?? (r.deadline.qualifier ? r.deadline.qualifier.replace(/_/g, ' ') : 'no time set')}${r.deadline.late ? ' (LATE)' : ''}`,
      `Organisation: ${r.organisation.name || '(name not set)'}; generated ${r.report.generatedAt}${r.report.releasedAt ? `; released ${r.report.releasedAt}` : ''}; catalog ${r.catalogVersion}; schema ${r.schemaVersion}`,
    ].filter((x): x is string => x !== null);
    for (const line of meta) this.text(line, { size: 9 });
    if (r.missingFields.length) this.text(`${r.missingFields.length} required field(s) MISSING: ${r.missingFields.join(', ')}`, { bold: true, size: 9, color: '#b00020' });

    this.heading('Required fields');
    if (r.fields.length === 0) this.text('The reference lists no required content for this notification or phase.');
    for (const f of r.fields) this.field(f);

    if (r.entries) {
      this.heading(`Breaches in the log (${r.entries.length})`);
      if (r.entries.length === 0) this.text('None: nil return.');
      for (const e of r.entries) {
        this.text(`${e.incident.ref}: ${e.incident.title}`, { bold: true, size: 11, gap: 3 });
        for (const f of e.fields) this.field(f);
      }
    }

    if (r.figures) {
      this.heading('Figures');
      const byJ = Object.entries(r.figures.subjectsByJurisdiction).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ');
      this.text(`People affected: ${r.figures.subjectsTotal}${byJ ? ` (${byJ})` : ''}${r.figures.unknownJurisdiction ? `; jurisdiction unknown: ${r.figures.unknownJurisdiction}` : ''}`);
      for (const c of r.figures.campaigns) {
        const channels = Object.entries(c.notifiedByChannel).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
        const reasons = Object.entries(c.unreachableReasons).flatMap(([ch, m]) => Object.entries(m).map(([why, n]) => `${ch}/${why} ${n}`)).join(', ');
        this.text(`Notice "${c.name}" (${c.status}): ${c.total} people; notified by ${channels}; unreachable ${c.unreachable}${reasons ? ` (${reasons})` : ''}; first ${c.firstSentAt ?? '-'}, last ${c.lastSentAt ?? '-'}`);
      }
    }

    if (r.changesSinceLast) {
      this.heading(`Changes since version ${r.changesSinceLast.since.version} (${r.changesSinceLast.since.phase})`);
      if (r.changesSinceLast.changes.length === 0) this.text('No changes.');
      for (const c of r.changesSinceLast.changes) this.text(`${c.label}: ${c.before ?? MISSING} -> ${c.after ?? MISSING}`, { size: 9 });
    }
    if (r.unconfirmed.length) {
      this.heading('UNCONFIRMED');
      for (const u of r.unconfirmed) this.text(u, { size: 9 });
    }
    if (r.secondary.length) {
      this.heading('Resting on secondary sources');
      for (const u of r.secondary) this.text(u, { size: 9 });
    }
  }
}

/** Renders a report as a PDF in memory (a report is a few pages). */
export async function renderReportPdf(report: ReportDocument, options: ReportPdfOptions = {}): Promise<Buffer> {
  const writer = new ReportWriter(report, options);
  const chunks: Buffer[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, cb) { chunks.push(chunk); cb(); } });
  const finished = new Promise<void>((resolve, reject) => {
    sink.once('finish', resolve);
    sink.once('error', reject);
    writer.doc.once('error', reject);
  });
  writer.doc.pipe(sink);
  writer.write();
  writer.doc.end();
  await finished;
  return Buffer.concat(chunks);
}
