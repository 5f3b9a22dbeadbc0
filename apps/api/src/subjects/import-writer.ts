import { Transform, type TransformCallback } from 'node:stream';
import { validateSubjectRow, type RowFormat, type SubjectRecord } from '#domain';
import type { SourceItem } from './import-sources.js';

/** A rejection as stored and reported: the line, the field and why; never the value. */
export interface LineRejection {
  line: number;
  field: string;
  reason: string;
}

/** How many rejections a response carries; the rest are paged from the rejections endpoint. */
export const REJECTIONS_IN_RESPONSE = 1000;

/** The columns of the staging table, in the order the COPY text carries them. */
export const STAGING_COLUMNS = [
  'line', 'rej_field', 'rej_reason', 'external_ref', 'name', 'email', 'phone', 'push_tokens', 'postal_address',
  'country', 'region', 'language', 'is_minor', 'guardian_name', 'guardian_email', 'guardian_phone', 'data_categories',
] as const;

// Anything that must be escaped in COPY's text format.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const ARRAY_SPECIAL = /["\\]/g;
const NO_SUBJECT = '\t\\N'.repeat(STAGING_COLUMNS.length - 3);

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

export function subjectCopyLine(line: number, s: SubjectRecord): string {
  return `${line}\t\\N\t\\N\t${copyField(s.externalRef)}\t${copyField(s.name)}\t${copyField(s.email)}\t${copyField(s.phone)}\t${copyArray(s.pushTokens)}\t${copyField(s.postalAddress)}\t${copyField(s.country)}\t${copyField(s.region)}\t${copyField(s.language)}\t${s.isMinor ? 't' : 'f'}\t${copyField(s.guardianName)}\t${copyField(s.guardianEmail)}\t${copyField(s.guardianPhone)}\t${copyArray(s.dataCategories)}\n`;
}

export function rejectionCopyLine(r: LineRejection): string {
  return `${r.line}\t${copyText(r.field)}\t${copyText(r.reason)}${NO_SUBJECT}\n`;
}

export interface ImportCounts {
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rejection entries (one per bad field), which may exceed the rejected rows. */
  rejectionsTotal: number;
}

// Rows are sent to PostgreSQL in chunks of about this many characters: fewer, larger writes.
const BATCH_CHARS = 128 * 1024;

/**
 * Validates each row and writes the COPY text of the staging table: accepted subjects and rejections in one
 * stream (one COPY per connection at a time), in file order. Keeps the counts and the first rejections for the
 * response; nothing else is kept, so memory does not grow with the file.
 */
export class ImportWriter extends Transform {
  readonly counts: ImportCounts = { rowsTotal: 0, rowsAccepted: 0, rowsRejected: 0, rejectionsTotal: 0 };
  readonly firstRejections: LineRejection[] = [];
  private batch = '';

  constructor(private readonly format: RowFormat) {
    super({ writableObjectMode: true, writableHighWaterMark: 256 });
  }

  override _transform(item: SourceItem, _enc: BufferEncoding, done: TransformCallback): void {
    this.counts.rowsTotal++;
    if (item.kind === 'row') {
      const result = validateSubjectRow(item.input, this.format);
      if (result.ok) {
        this.counts.rowsAccepted++;
        this.batch += subjectCopyLine(item.line, result.value);
      } else {
        this.reject(item.line, result.errors);
      }
    } else {
      this.reject(item.line, item.errors);
    }
    if (this.batch.length >= BATCH_CHARS) this.flushBatch();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.flushBatch();
    done();
  }

  private reject(line: number, errors: readonly { field: string; reason: string }[]): void {
    this.counts.rowsRejected++;
    for (const e of errors) {
      const rejection = { line, field: e.field, reason: e.reason };
      this.counts.rejectionsTotal++;
      if (this.firstRejections.length < REJECTIONS_IN_RESPONSE) this.firstRejections.push(rejection);
      this.batch += rejectionCopyLine(rejection);
    }
  }

  private flushBatch(): void {
    if (this.batch.length === 0) return;
    this.push(Buffer.from(this.batch, 'utf8'));
    this.batch = '';
  }
}
