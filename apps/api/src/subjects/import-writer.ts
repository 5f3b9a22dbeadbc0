import { Transform, type TransformCallback } from 'node:stream';
import { validateSubjectRow, type RowFormat, type SubjectRecord } from '#domain';
import type { SourceItem } from './import-sources.js';
import type { RefFilter } from './ref-filter.js';

/** A rejection as stored and reported: the line, the field and why; never the value. */
export interface LineRejection {
  line: number;
  field: string;
  reason: string;
}

/** How many rejections a response carries; the rest are paged from the rejections endpoint. */
export const REJECTIONS_IN_RESPONSE = 1000;

/** The subject columns the COPY text carries after the incident id, in order (affected_subjects and staging). */
export const SUBJECT_COLUMNS = [
  'external_ref', 'name', 'email', 'phone', 'push_tokens', 'postal_address',
  'country', 'region', 'language', 'is_minor', 'guardian_name', 'guardian_email', 'guardian_phone', 'data_categories',
] as const;

// Anything that must be escaped in COPY's text format.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const ARRAY_SPECIAL = /["\\]/g;

function copyText(value: string): string {
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : value;
}

function copyField(value: string | null): string {
  return value === null ? '\\N' : copyText(value);
}

/** A text[] literal (`{"a","b"}`), escaped for COPY. */
function copyArray(items: readonly string[]): string {
  if (items.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += '"' + items[i]!.replace(ARRAY_SPECIAL, '\\$&') + '"';
  }
  return copyText(out + '}');
}

/** One subject as a COPY text line: the incident id, then {@link SUBJECT_COLUMNS}. */
export function subjectCopyLine(incidentId: string, s: SubjectRecord): string {
  return `${incidentId}\t${copyField(s.externalRef)}\t${copyField(s.name)}\t${copyField(s.email)}\t${copyField(s.phone)}\t${copyArray(s.pushTokens)}\t${copyField(s.postalAddress)}\t${copyField(s.country)}\t${copyField(s.region)}\t${copyField(s.language)}\t${s.isMinor ? 't' : 'f'}\t${copyField(s.guardianName)}\t${copyField(s.guardianEmail)}\t${copyField(s.guardianPhone)}\t${copyArray(s.dataCategories)}\n`;
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

/** COPY text for the database, tagged with where it goes. */
export interface CopyChunk {
  /** `subjects`: lines for affected_subjects (or staging); `rejections`: lines for subject_import_rejections. */
  kind: 'subjects' | 'rejections';
  data: Buffer;
  /** Subjects only: a reference in `data` may have appeared earlier in the file (see `ImportWriter.refs`). */
  mayRepeat: boolean;
}

// Rows are sent to PostgreSQL in chunks of about this many characters: fewer, larger writes.
const CHUNK_CHARS = 128 * 1024;

/**
 * Validates each row and writes two COPY texts, each in file order: the accepted subjects (for the subject
 * table or the staging table) and the rejections (for subject_import_rejections; only when there is an import
 * to refer to, not on a dry run). Keeps the counts and the first rejections for the response; nothing else is
 * kept, so memory does not grow with the file.
 */
export class ImportWriter extends Transform {
  readonly counts: ImportCounts = { rowsTotal: 0, rowsAccepted: 0, rowsRejected: 0, rejectionsTotal: 0 };
  readonly firstRejections: LineRejection[] = [];
  /**
   * When set, every accepted reference is added to it, and a subjects chunk holding a reference that may have
   * appeared before in the file (in this chunk or an earlier one) is marked `mayRepeat`.
   */
  refs: RefFilter | undefined;
  private subjects = '';
  private rejections = '';
  private mayRepeat = false;

  constructor(
    private readonly format: RowFormat,
    private readonly incidentId: string,
    private readonly importId: string | null,
  ) {
    super({ writableObjectMode: true, readableObjectMode: true, writableHighWaterMark: 256, readableHighWaterMark: 8 });
  }

  override _transform(item: SourceItem, _enc: BufferEncoding, done: TransformCallback): void {
    this.counts.rowsTotal++;
    if (item.kind === 'row') {
      const result = validateSubjectRow(item.input, this.format);
      if (result.ok) {
        this.counts.rowsAccepted++;
        if (this.refs?.add(result.value.externalRef)) this.mayRepeat = true;
        this.subjects += subjectCopyLine(this.incidentId, result.value);
        if (this.subjects.length >= CHUNK_CHARS) this.pushChunk('subjects');
      } else {
        this.reject(item.line, result.errors);
      }
    } else {
      this.reject(item.line, item.errors);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.pushChunk('subjects');
    this.pushChunk('rejections');
    done();
  }

  private reject(line: number, errors: readonly { field: string; reason: string }[]): void {
    this.counts.rowsRejected++;
    for (const e of errors) {
      const rejection = { line, field: e.field, reason: e.reason };
      this.counts.rejectionsTotal++;
      if (this.firstRejections.length < REJECTIONS_IN_RESPONSE) this.firstRejections.push(rejection);
      if (this.importId) this.rejections += rejectionCopyLine(this.importId, rejection);
    }
    if (this.rejections.length >= CHUNK_CHARS) this.pushChunk('rejections');
  }

  private pushChunk(kind: CopyChunk['kind']): void {
    const text = this[kind];
    if (text.length === 0) return;
    this.push({ kind, data: Buffer.from(text, 'utf8'), mayRepeat: kind === 'subjects' && this.mayRepeat } satisfies CopyChunk);
    this[kind] = '';
    if (kind === 'subjects') this.mayRepeat = false;
  }
}
