import { validateSubjectRow, type RowFormat, type SubjectField } from '#domain';
import { subjectTupleBound, tuplePrefix, writeSubjectTuple } from './copy-binary.js';
import type { CsvFields } from './csv-records.js';
import { CsvRowEncoder } from './csv-rows.js';
import type { RefFilter } from './ref-filter.js';

/** A rejection as stored and reported: the line, the field and why; never the value. */
export interface LineRejection {
  line: number;
  field: string;
  reason: string;
}

/** How many rejections a response carries; the rest are paged from the rejections endpoint. */
export const REJECTIONS_IN_RESPONSE = 1000;

/** The subject columns a COPY tuple carries after the incident id, in order (affected_subjects and staging). */
export const SUBJECT_COLUMNS = [
  'external_ref', 'name', 'email', 'phone', 'push_tokens', 'postal_address',
  'country', 'region', 'language', 'is_minor', 'guardian_name', 'guardian_email', 'guardian_phone', 'data_categories',
] as const;

// Anything that must be escaped in COPY's text format (rejections go as text).
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyText(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : value;
}

/** One rejection as a COPY text line of subject_import_rejections (import_id, line, field, reason). */
export function rejectionCopyLine(importId: string, r: LineRejection): string {
  return `${importId}\t${r.line}\t${copyText(r.field)}\t${copyText(r.reason)}\n`;
}

export interface ImportCounts {
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rejection entries (one per bad field), which may exceed the rejected rows. */
  rejectionsTotal: number;
}

/** COPY data for the database, tagged with where it goes. */
export interface CopyChunk {
  /**
   * `subjects`: binary COPY tuples for affected_subjects (or staging), without the format's header and trailer;
   * `rejections`: text COPY lines for subject_import_rejections.
   */
  kind: 'subjects' | 'rejections';
  data: Buffer;
  /** Subjects only: a reference in `data` may have appeared earlier in the file (see `ImportWriter.refs`). */
  mayRepeat: boolean;
}

// Rows are sent to PostgreSQL in chunks of up to this many bytes (more for a longer row): fewer, larger writes.
const CHUNK_BYTES = 128 * 1024;
/** At most this many chunk buffers wait to be filled again: about two batches. */
const SPARE_CHUNKS = 80;

/**
 * Validates each row and writes two COPY streams, each in file order: the accepted subjects (binary tuples, for
 * the subject table or the staging table) and the rejections (text lines, for subject_import_rejections; only
 * when there is an import to refer to, not on a dry run). Keeps the counts and the first rejections for the response; nothing else is
 * kept, so memory does not grow with the file. The finished chunks wait in `ready` for the source to pass on.
 *
 * A CSV row goes through {@link CsvRowEncoder} first, from the upload's bytes to its COPY tuple; only a row that
 * the encoder leaves to the ordinary path is made into strings and validated by `validateSubjectRow`.
 */
export class ImportWriter {
  readonly counts: ImportCounts = { rowsTotal: 0, rowsAccepted: 0, rowsRejected: 0, rejectionsTotal: 0 };
  readonly firstRejections: LineRejection[] = [];
  /** Chunks ready to go to the database, in order. */
  readonly ready: CopyChunk[] = [];
  /**
   * When set, every accepted reference is added to it, and a subjects chunk holding a reference that may have
   * appeared before in the file (in this chunk or an earlier one) is marked `mayRepeat`.
   */
  refs: RefFilter | undefined;
  private readonly encoder: CsvRowEncoder;
  private readonly prefix: Buffer;
  /** Chunk buffers whose COPY is done, to be filled again (see `recycle`). */
  private readonly spare: Buffer[] = [];
  private rejections = '';
  private mayRepeat = false;

  constructor(
    private readonly format: RowFormat,
    incidentId: string,
    private readonly importId: string | null,
  ) {
    this.encoder = new CsvRowEncoder(incidentId);
    this.prefix = tuplePrefix(incidentId);
    this.encoder.out = Buffer.allocUnsafe(CHUNK_BYTES);
  }

  /**
   * Takes back subject chunks that the database has read (their COPY is complete, so nothing refers to them any
   * more) to fill them again: a million rows would otherwise allocate 200 MB of buffers, whose garbage collection
   * cost the api about a second (old-space collections, forced by that much outside memory).
   */
  recycle(chunks: readonly Buffer[]): void {
    for (const chunk of chunks) {
      if (this.spare.length >= SPARE_CHUNKS) return;
      if (chunk.byteOffset === 0 && chunk.buffer.byteLength === CHUNK_BYTES) this.spare.push(Buffer.from(chunk.buffer, 0, CHUNK_BYTES));
    }
  }

  /**
   * A CSV record with as many fields as the header; `columns[f]` is the field of column `f` (SUBJECT_FIELDS
   * order), -1 when the file lacks it.
   */
  csvRow(line: number, buf: Buffer, fields: CsvFields, columns: Int32Array, names: readonly SubjectField[]): void {
    const encoder = this.encoder;
    const bytes = fields.count > 0 ? fields.ends[fields.count - 1]! - fields.starts[0]! : 0;
    this.reserve(6 * bytes + 512);
    const start = encoder.pos;
    if (encoder.row(buf, fields, columns)) {
      this.counts.rowsTotal++;
      this.counts.rowsAccepted++;
      if (this.refs?.addBytes(buf, encoder.refStart, encoder.refEnd)) this.mayRepeat = true;
      return;
    }
    encoder.pos = start;
    const input: Partial<Record<SubjectField, unknown>> = {};
    for (let k = 0; k < names.length; k++) input[names[k]!] = fields.text(buf, k);
    this.row(line, input);
  }

  /** A row as a source read it (CSV strings or JSON values, by column). */
  row(line: number, input: Partial<Record<SubjectField, unknown>>): void {
    this.counts.rowsTotal++;
    const result = validateSubjectRow(input, this.format);
    if (!result.ok) {
      this.reject(line, result.errors);
      return;
    }
    this.counts.rowsAccepted++;
    const value = result.value;
    this.reserve(subjectTupleBound(value));
    this.encoder.pos = writeSubjectTuple(this.encoder.out, this.encoder.pos, this.prefix, value);
    // After `reserve`: the flag belongs to the chunk that holds the line.
    if (this.refs?.add(value.externalRef)) this.mayRepeat = true;
  }

  /** A line that could not be read as a row. */
  unreadable(line: number, errors: readonly { field: string; reason: string }[]): void {
    this.counts.rowsTotal++;
    this.reject(line, errors);
  }

  /** The end of the file: the last chunks. */
  finish(): void {
    this.pushSubjects();
    this.pushRejections();
  }

  private reject(line: number, errors: readonly { field: string; reason: string }[]): void {
    this.counts.rowsRejected++;
    for (const e of errors) {
      const rejection = { line, field: e.field, reason: e.reason };
      this.counts.rejectionsTotal++;
      if (this.firstRejections.length < REJECTIONS_IN_RESPONSE) this.firstRejections.push(rejection);
      if (this.importId) this.rejections += rejectionCopyLine(this.importId, rejection);
    }
    if (this.rejections.length >= CHUNK_BYTES) this.pushRejections();
  }

  /** Room for `bytes` more in the current chunk: when there is none, the chunk is done and the next one begins. */
  private reserve(bytes: number): void {
    const encoder = this.encoder;
    if (encoder.pos + bytes <= encoder.out.length) return;
    this.pushSubjects();
    if (bytes > encoder.out.length) encoder.out = Buffer.allocUnsafe(bytes);
  }

  private pushSubjects(): void {
    const encoder = this.encoder;
    if (encoder.pos === 0) return;
    this.ready.push({ kind: 'subjects', data: encoder.out.subarray(0, encoder.pos), mayRepeat: this.mayRepeat });
    encoder.out = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    encoder.pos = 0;
    this.mayRepeat = false;
  }

  private pushRejections(): void {
    if (this.rejections.length === 0) return;
    this.ready.push({ kind: 'rejections', data: Buffer.from(this.rejections, 'utf8'), mayRepeat: false });
    this.rejections = '';
  }
}
