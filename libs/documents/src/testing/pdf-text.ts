import { inflateSync } from 'node:zlib';

/**
 * Reads the text runs of a PDF written by pdfkit with the standard fonts (tests only; compressed content
 * streams are inflated): each `Tm … Tf [<hex> kern <hex>] TJ` becomes one run with its position in
 * millimetres from the top-left corner.
 */
export interface PdfTextRun {
  text: string;
  /** Left edge, mm from the page's left. */
  x: number;
  /** Baseline, mm from the page's top. */
  baseline: number;
  size: number;
  page: number;
}

const PT_TO_MM = 25.4 / 72;

export function pdfTextRuns(pdf: Buffer): PdfTextRun[] {
  const source = pdf.toString('latin1');
  const runs: PdfTextRun[] = [];
  // pdfkit flips the page (`1 0 0 -1 0 <height> cm`) and positions each run with `1 0 0 1 x y Tm`.
  const streams: string[] = [];
  for (const m of source.matchAll(/\bobj\s*<<((?:(?!endobj)[\s\S])*?)>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    // Cut by the declared /Length: a compressed stream may itself end in a CR or LF byte.
    const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(m[1]!);
    const body = length ? source.slice(start, start + Number(length[1])) : source.slice(start, source.indexOf('endstream', start)).replace(/\r?\n$/, '');
    if (!/\/Filter\s*\/FlateDecode/.test(m[1]!)) streams.push(body);
    else {
      try {
        streams.push(inflateSync(Buffer.from(body, 'latin1')).toString('latin1'));
      } catch {
        // a font file or an image: no text runs
      }
    }
  }
  let page = 0;
  for (const stream of streams) {
    if (!stream.includes(' Tf')) continue;
    page += 1;
    const height = Number(/1 0 0 -1 0 ([\d.]+) cm/.exec(stream)?.[1] ?? 841.89);
    for (const m of stream.matchAll(/1 0 0 1 ([\d.-]+) ([\d.-]+) Tm\s*\/F\d+ ([\d.]+) Tf\s*\[(.*?)\] TJ/gs)) {
      const text = [...m[4]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join('');
      runs.push({ text, x: Number(m[1]) * PT_TO_MM, baseline: (height - Number(m[2])) * PT_TO_MM, size: Number(m[3]), page });
    }
  }
  return runs;
}

/** The text of the runs, one per line. */
export function pdfText(pdf: Buffer): string {
  return pdfTextRuns(pdf).map((r) => r.text).join('\n');
}
