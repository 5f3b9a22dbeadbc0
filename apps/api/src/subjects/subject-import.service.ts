import { randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import type { Actor } from '#domain';
import { decodeCursor, encodeCursor } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import { IncidentService } from '../incidents/incident.service.js';
import { CopySink } from './batch-sink.js';
import { COPY_BINARY_HEADER, COPY_BINARY_TRAILER } from './copy-binary.js';
import { importSource, type ImportFormat } from './import-sources.js';
import { ImportWriter, REJECTIONS_IN_RESPONSE, type LineRejection } from './import-writer.js';
import { RefFilter } from './ref-filter.js';
import { SubjectRepository } from './subject.repository.js';

export interface ImportResult {
  importId: string | null;
  dryRun: boolean;
  format: ImportFormat;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  inserted: number;
  updated: number;
  /** Accepted rows whose external reference appears again later in the same file (the later line won). */
  duplicates: number;
  rejectionsTotal: number;
  rejections: LineRejection[];
  rejectionsUrl?: string;
}

/** The upload as the controller hands it over: a byte stream that knows whether it arrived whole. */
export type Upload = Readable & { complete?: boolean };

const MEDIA_TYPES: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
};

/** The import format a Content-Type names; anything else is a 415. Only UTF-8 is read. */
export function importFormatFor(contentType: string | undefined): ImportFormat {
  const [type = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const format = MEDIA_TYPES[type];
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (!format || (charset && charset !== 'utf-8' && charset !== 'utf8')) {
    throw new Problem(415, 'unsupported-media-type', 'Unsupported media type',
      `Send the subjects as text/csv or application/x-ndjson, in UTF-8; got ${type ? `"${type.slice(0, 100)}"` : 'no Content-Type'}${charset ? ` with charset ${charset.slice(0, 40)}` : ''}.`,
      [{ field: 'Content-Type', reason: 'must be text/csv or application/x-ndjson' }]);
  }
  return format;
}

/**
 * COPY data per statement (about 20,000 typical rows): large enough for set-wise statements to pay off, small
 * enough that staging and a statement's trigger transition table stay small.
 */
const BATCH_BYTES = 4 * 1024 * 1024;
/** COPY data that may wait while a statement ends (see CopySink); beyond it the upload waits. */
const QUEUE_BYTES = 4 * 1024 * 1024;

class UploadInterrupted extends Error {
  constructor() {
    super('the upload ended before the whole body arrived');
  }
}

@Injectable()
export class SubjectImportService {
  private readonly logger = new Logger('SubjectImport');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(SubjectRepository) private readonly subjects: SubjectRepository,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  /**
   * Streams the upload through parser → validation → COPY into a staging table, then upserts set-wise, records
   * the import, its rejections and one audit event, all in one transaction. The body is never held whole:
   * every stage respects backpressure, so a slow database slows the upload instead of filling memory.
   */
  async import(actor: Actor, incidentKey: string, format: ImportFormat, upload: Upload, dryRun: boolean): Promise<ImportResult> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const importId = dryRun ? null : randomUUID();
    const startedAt = new Date();
    const writer = new ImportWriter(format === 'csv' ? 'csv' : 'json', incident.id, importId);

    // The request is piped rather than put in the pipeline: on a refused file it must survive, so that Node
    // can drain what is left of it and the client reads the problem instead of a reset connection.
    const entry = new PassThrough({ highWaterMark: 64 * 1024 });
    const onClose = () => {
      if (!upload.complete) entry.destroy(new UploadInterrupted());
    };
    const onError = () => entry.destroy(new UploadInterrupted());
    upload.once('close', onClose);
    upload.once('error', onError);
    upload.pipe(entry);

    try {
      return await this.db.transaction(async (tx) => {
        await this.subjects.createStaging(tx);
        if (!dryRun) {
          // Imports into one incident take turns; the import row exists first so rejections can refer to it.
          await this.subjects.lockIncidentImports(tx, incident.id);
          await this.subjects.insertImport(tx, {
            id: importId!, incident_id: incident.id, format, rows_total: 0, rows_accepted: 0, rows_rejected: 0,
            inserted: 0, updated: 0, created_by: actor.id, started_at: startedAt, finished_at: startedAt,
          });
        }
        const counts = { inserted: 0, updated: 0 };
        const timing = { upsert: 0 };
        // Fresh: the incident had no subjects when this import took its turn (imports into one incident take
        // turns and only imports write subjects). Then rows whose references have not appeared earlier in the
        // file (the writer's filter says so, never wrongly) are all new: they are COPYed straight into
        // affected_subjects, without staging or ON CONFLICT. A chunk that may repeat a reference is upserted.
        if (!dryRun && !(await this.subjects.hasSubjects(tx, incident.id))) writer.refs = new RefFilter();
        const sink = new CopySink({
          straight: (chunk) => writer.refs !== undefined && !chunk.mayRepeat,
          open: (straight) => (straight ? this.subjects.copyIntoSubjects(tx) : this.subjects.copyIntoStaging(tx)),
          close: async (straight, copy) => {
            if (straight) {
              counts.inserted += copy.rowCount ?? 0;
              return;
            }
            if (dryRun) return; // staging keeps the whole file; the preview is computed at the end
            const t = performance.now();
            const upserted = await this.subjects.upsertBatch(tx, incident.id);
            counts.inserted += upserted.inserted;
            counts.updated += upserted.updated;
            await this.subjects.truncateStaging(tx);
            timing.upsert += performance.now() - t;
          },
          rejections: (chunks) => pipeline(Readable.from(chunks), this.subjects.copyRejections(tx)),
          recycle: (chunks) => writer.recycle(chunks),
        }, BATCH_BYTES, QUEUE_BYTES, COPY_BINARY_HEADER, COPY_BINARY_TRAILER);
        const t0 = performance.now();
        await pipeline([entry, ...importSource(format, writer), sink]);
        if (upload.complete === false) throw new UploadInterrupted();
        const t1 = performance.now();
        const { rowsTotal, rowsAccepted, rowsRejected, rejectionsTotal } = writer.counts;

        if (dryRun) {
          Object.assign(counts, await this.subjects.previewFromStaging(tx, incident.id));
        } else {
          await this.subjects.finishImport(tx, importId!, { rowsTotal, rowsAccepted, rowsRejected, ...counts });
          // Counts only: an audit event must not carry the subjects' personal data.
          await this.audit.record(tx, actor, {
            action: 'subjects.imported', entityType: 'subject_import', entityId: importId!, incidentId: incident.id,
            after: { format, rowsTotal, rowsAccepted, rowsRejected, rejections: rejectionsTotal, inserted: counts.inserted, updated: counts.updated },
          });
        }
        // Counts and durations only: never a value from the file.
        this.logger.log({
          msg: 'subjects imported', importId, dryRun, format, rowsTotal, rowsAccepted, rowsRejected, inserted: counts.inserted, updated: counts.updated,
          batches: sink.batches, batchesCopied: sink.batchesStraight,
          ms: { total: Math.round(performance.now() - t0), copyTail: Math.round(t1 - sink.endedAt), afterCopy: Math.round(performance.now() - t1), upsert: Math.round(timing.upsert) },
        });
        return {
          importId,
          dryRun,
          format,
          rowsTotal,
          rowsAccepted,
          rowsRejected,
          inserted: counts.inserted,
          updated: counts.updated,
          duplicates: rowsAccepted - counts.inserted - counts.updated,
          rejectionsTotal,
          rejections: writer.firstRejections,
          ...(importId && rejectionsTotal > REJECTIONS_IN_RESPONSE
            ? { rejectionsUrl: `/v1/incidents/${incident.ref}/imports/${importId}/rejections?limit=${REJECTIONS_IN_RESPONSE}` }
            : {}),
        };
      });
    } catch (error) {
      throw this.translate(error);
    } finally {
      upload.unpipe(entry);
      upload.off('close', onClose);
      upload.off('error', onError);
    }
  }

  async listImports(incidentKey: string, limit = 50, cursor?: string) {
    const incident = await this.incidents.require(this.db, incidentKey);
    const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
    const rows = await this.subjects.listImports(incident.id, limit, after);
    const last = rows[rows.length - 1];
    return { rows, nextCursor: rows.length === limit && last ? encodeCursor([last.started_at_key, last.id]) : null };
  }

  async listRejections(incidentKey: string, importId: string, limit = 1000, after?: string) {
    const incident = await this.incidents.require(this.db, incidentKey);
    const found = await this.subjects.findImport(this.db, incident.id, importId);
    if (!found) throw Problem.notFound('Import', importId);
    let key: [number, string] | undefined;
    if (after) {
      const [line, field] = decodeCursor(after, 2);
      if (typeof line !== 'number' || typeof field !== 'string') throw Problem.validation([{ field: 'after', reason: 'is not a cursor returned by this endpoint' }]);
      key = [line, field];
    }
    const items = await this.subjects.listRejections(importId, limit, key);
    const last = items[items.length - 1];
    const nextAfter = items.length === limit && last ? encodeCursor([last.line, last.field]) : null;
    return {
      importId,
      rowsRejected: found.rows_rejected,
      items,
      nextAfter,
      next: nextAfter ? `/v1/incidents/${incident.ref}/imports/${importId}/rejections?limit=${limit}&after=${nextAfter}` : null,
    };
  }

  /** Problems pass; an interrupted upload is named; a database error leaves without any value in its message. */
  private translate(error: unknown): unknown {
    if (error instanceof Problem) return error;
    if (error instanceof UploadInterrupted || (error as { code?: string })?.code === 'ERR_STREAM_PREMATURE_CLOSE') {
      return new Problem(400, 'upload-interrupted', 'The upload was interrupted', 'The request body ended before it was complete; nothing was written.');
    }
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return new Error(`subject import failed in the database (SQLSTATE ${code}); nothing was written`);
    return error;
  }
}
