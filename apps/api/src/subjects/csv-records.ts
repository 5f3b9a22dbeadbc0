/**
 * A streaming RFC 4180 reader that knows on which line each record starts and that can step over a bad line.
 *
 * csv-parse (7.0.3) was the first choice and was dropped for two measured reasons: with
 * `skip_records_with_error`, a record over `max_record_size` makes it discard the rest of the chunk it is
 * parsing (the next rows vanish without a rejection), and line numbers need `info: true`, which doubled its
 * cost per row. This reader works on bytes (a UTF-8 continuation byte is never a comma, quote or newline),
 * keeps at most one incomplete record (≤ the line limit) between chunks, and decodes each field once.
 *
 * It hands each record over as byte ranges into the chunk it was read from ({@link CsvRecordSink}), so that
 * the import can turn ordinary rows into COPY data without making a string of every field; `write`/`end`
 * give the same records as strings.
 */

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

export type CsvEvent =
  | { line: number; fields: string[]; error?: undefined }
  | { line: number; fields?: undefined; error: CsvError };

/** The file cannot be read past this point: a quote is opened and never closed. */
export class CsvUnclosedQuote extends Error {
  constructor(readonly line: number) {
    super(`the quote opened on line ${line} is never closed`);
  }
}

/** Why a record could not be read (the rest of the file can). */
export type CsvError = 'tooLong' | 'closingQuote' | 'strayQuote';

/**
 * The fields of the record being handed over: field `k` is `buf[starts[k], ends[k])`, inside quotes if it was
 * quoted; `escaped[k]` is 1 when that text still holds doubled quotes (`""` for `"`). Valid only during the call.
 */
export class CsvFields {
  count = 0;
  starts = new Int32Array(32);
  ends = new Int32Array(32);
  escaped = new Uint8Array(32);

  /** Field `k` as a string. */
  text(buf: Buffer, k: number): string {
    const start = this.starts[k]!;
    const end = this.ends[k]!;
    if (end <= start) return '';
    const value = buf.toString('utf8', start, end);
    return this.escaped[k] ? value.replaceAll('""', '"') : value;
  }

  /** Every field as a string. */
  texts(buf: Buffer): string[] {
    const out = new Array<string>(this.count);
    for (let k = 0; k < this.count; k++) out[k] = this.text(buf, k);
    return out;
  }

  add(start: number, end: number, escaped: boolean): void {
    const k = this.count++;
    if (k === this.starts.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts, (n) => new Int32Array(n));
      this.ends = grow(this.ends, (n) => new Int32Array(n));
      this.escaped = grow(this.escaped, (n) => new Uint8Array(n));
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.escaped[k] = escaped ? 1 : 0;
  }
}

/** Receives each record (blank lines are skipped) or each unreadable one, in file order. */
export interface CsvRecordSink {
  record(line: number, buf: Buffer, fields: CsvFields): void;
  bad(line: number, error: CsvError): void;
}

/** The records as events with string fields. */
function eventSink(out: CsvEvent[]): CsvRecordSink {
  return {
    record: (line, buf, fields) => out.push({ line, fields: fields.texts(buf) }),
    bad: (line, error) => out.push({ line, error }),
  };
}

const INCOMPLETE = -1;

/** The bytes that end an unquoted field's scan: a comma, a newline or a (stray) quote. */
const STOPS = new Uint8Array(256);
STOPS[COMMA] = STOPS[LF] = STOPS[QUOTE] = 1;

function countLines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

export class CsvRecordReader {
  /** Bytes of a record that the last chunk did not complete. */
  private carry: Buffer | undefined;
  /** The line on which the next record starts (1-based). */
  private line = 1;
  /** Inside a record that is too long: skipped to its end, quotes respected. */
  private skipping: { line: number; inQuotes: boolean } | undefined;
  private started = false;
  /** The record being read: its fields, the lines it spans and why it is bad (if it is). */
  private readonly fields = new CsvFields();
  private lines = 0;
  private error: CsvError | undefined;
  private joined = Buffer.alloc(0);

  constructor(private readonly maxRecordBytes: number) {}

  write(chunk: Buffer, out: CsvEvent[]): void {
    this.read(chunk, eventSink(out));
  }

  end(out: CsvEvent[]): void {
    this.finish(eventSink(out));
  }

  /** Hands every record that `chunk` completes to `sink`. */
  read(chunk: Buffer, sink: CsvRecordSink): void {
    let buf = chunk;
    if (this.carry) {
      // The unfinished record and the new chunk, joined in a buffer kept for that (records are handed over as
      // ranges of it only during the call, and the carry is copied out of it).
      const length = this.carry.length + chunk.length;
      if (this.joined.length < length) this.joined = Buffer.allocUnsafe(Math.max(length, 2 * this.joined.length));
      this.carry.copy(this.joined, 0);
      chunk.copy(this.joined, this.carry.length);
      buf = this.joined.subarray(0, length);
    }
    if (!this.started) {
      if (buf.length < 3 && buf.every((b, i) => b === [0xef, 0xbb, 0xbf][i])) {
        this.carry = Buffer.from(buf);
        return;
      }
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3); // byte order mark
    }
    const used = this.parse(buf, false, sink);
    // Copied, so that a short remainder does not keep a whole chunk alive.
    this.carry = used < buf.length ? Buffer.from(buf.subarray(used)) : undefined;
  }

  /** The end of the file: hands over the last record. */
  finish(sink: CsvRecordSink): void {
    const buf = this.carry ?? Buffer.alloc(0);
    this.carry = undefined;
    this.parse(buf, true, sink);
    if (this.skipping) {
      if (this.skipping.inQuotes) throw new CsvUnclosedQuote(this.skipping.line);
      sink.bad(this.skipping.line, 'tooLong');
      this.skipping = undefined;
    }
  }

  /** Hands over every complete record of `buf`; returns how many bytes it used. */
  private parse(buf: Buffer, final: boolean, sink: CsvRecordSink): number {
    let pos = 0;
    const len = buf.length;
    const fields = this.fields;
    while (pos < len) {
      if (this.skipping) {
        let inQuotes = this.skipping.inQuotes;
        let i = pos;
        for (; i < len; i++) {
          const c = buf[i];
          if (c === QUOTE) inQuotes = !inQuotes;
          else if (c === LF) {
            this.line++;
            if (!inQuotes) break;
          }
        }
        if (i >= len) {
          this.skipping.inQuotes = inQuotes;
          return len;
        }
        sink.bad(this.skipping.line, 'tooLong');
        this.skipping = undefined;
        pos = i + 1;
        continue;
      }
      const next = this.record(buf, pos, final);
      if (next === INCOMPLETE) {
        if (len - pos <= this.maxRecordBytes) return pos;
        this.skipping = { line: this.line, inQuotes: false };
        continue;
      }
      if (next - pos > this.maxRecordBytes + 2) sink.bad(this.line, 'tooLong');
      else if (this.error) sink.bad(this.line, this.error);
      else if (!(fields.count === 1 && fields.ends[0]! <= fields.starts[0]!)) sink.record(this.line, buf, fields); // blank lines are skipped
      this.line += this.lines;
      pos = next;
    }
    return pos;
  }

  /**
   * One record from `start` into `this.fields` (with `this.lines` and `this.error`); returns where the next one
   * starts, or INCOMPLETE when the buffer ends inside it and more may come.
   */
  private record(buf: Buffer, start: number, final: boolean): number {
    const len = buf.length;
    const fields = this.fields;
    fields.count = 0;
    this.error = undefined;
    let inner = 0; // newlines inside quoted fields
    let i = start;
    for (;;) {
      if (i < len && buf[i] === QUOTE) {
        let j = i + 1;
        let escaped = false;
        let close: number;
        for (;;) {
          close = buf.indexOf(QUOTE, j);
          if (close < 0) {
            if (final) throw new CsvUnclosedQuote(this.line);
            return INCOMPLETE;
          }
          if (close + 1 >= len && !final) return INCOMPLETE; // a doubled quote may follow in the next chunk
          if (buf[close + 1] === QUOTE) {
            escaped = true;
            j = close + 2;
            continue;
          }
          break;
        }
        inner += countLines(buf, i + 1, close);
        fields.add(i + 1, close, escaped);
        i = close + 1;
        if (i >= len) {
          if (!final) return INCOMPLETE;
          this.lines = inner + 1;
          return len;
        }
        const c = buf[i];
        if (c === COMMA) {
          i++;
          continue;
        }
        if (c === LF) {
          this.lines = inner + 1;
          return i + 1;
        }
        if (c === CR) {
          if (i + 1 >= len && !final) return INCOMPLETE;
          if (i + 1 >= len) {
            this.lines = inner + 1;
            return len;
          }
          if (buf[i + 1] === LF) {
            this.lines = inner + 1;
            return i + 2;
          }
        }
        return this.badLine(buf, start, i, final, 'closingQuote');
      }
      let j = i;
      while (j < len && STOPS[buf[j]!] === 0) j++;
      if (j < len && buf[j] === QUOTE) return this.badLine(buf, start, j, final, 'strayQuote');
      if (j >= len && !final) return INCOMPLETE;
      let end = j;
      if (end > i && buf[end - 1] === CR) end--;
      fields.add(i, end, false);
      if (j >= len) {
        this.lines = inner + 1;
        return len;
      }
      if (buf[j] === COMMA) {
        i = j + 1;
        continue;
      }
      this.lines = inner + 1;
      return j + 1;
    }
  }

  /** A malformed record: rejected as a whole, reading resumes after the end of the physical line. */
  private badLine(buf: Buffer, start: number, at: number, final: boolean, error: CsvError): number {
    const nl = buf.indexOf(LF, at);
    if (nl < 0) {
      if (!final) return INCOMPLETE;
      this.error = error;
      this.lines = countLines(buf, start, buf.length) + 1;
      return buf.length;
    }
    this.error = error;
    this.lines = countLines(buf, start, nl + 1);
    return nl + 1;
  }
}
