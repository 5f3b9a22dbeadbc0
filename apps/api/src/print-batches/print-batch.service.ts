import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { findUnicodeFonts, isWinAnsiText, LetterFontError, writeLettersPdf } from '#documents';
import { type Actor, type LetterModel, letterModel, type NoticeSubject, noticeToken, prepareNotice } from '#domain';
import { gatherAllPrintBatches, type PrintBatchRow } from '#records';
import { PRINT_BATCH_SETTINGS, type PrintBatchSettings } from '#records';
import { NOTICE_SETTINGS, type NoticeSettings } from '../campaigns/notice-settings.js';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import type { GatherPrintBatchesDto, ListPrintBatchesQuery, MarkMailedDto } from './print-batch.dto.js';
import { type BatchLetterRow, type FrozenCampaignRow, PrintBatchRepository } from './print-batch.repository.js';
import { printBatchView, type PrintBatchView } from './print-batch.view.js';
import { MANIFEST_HEADER, manifestLine } from './manifest-csv.js';

/** Letters read from the database at a time while a PDF or manifest streams. */
const PAGE = 500;

export interface Letter {
  row: BatchLetterRow;
  subject: NoticeSubject;
  model: LetterModel;
}

function subjectOf(r: BatchLetterRow): NoticeSubject {
  return { name: r.name, language: r.language, isMinor: r.is_minor, guardianName: r.guardian_name, postalAddress: r.postal_address };
}

/** Every text a letter shows (to know whether the standard PDF fonts can show it). */
function modelText(m: LetterModel): string {
  return [m.senderLine, ...m.recipientLines, m.dateLabel, m.date, m.referenceLabel, m.reference, m.subject, m.salutation,
    ...m.sections.flatMap((s) => [s.heading, s.text]), m.fullNoticeLine].join('\n');
}

@Injectable()
export class PrintBatchService {
  private readonly logger = new Logger('PrintBatches');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(PrintBatchRepository) private readonly batches: PrintBatchRepository,
    @Inject(NOTICE_SETTINGS) private readonly notices: NoticeSettings,
    @Inject(PRINT_BATCH_SETTINGS) private readonly settings: PrintBatchSettings,
  ) {}

  /** Gathers every waiting letter into new batches now (the notifier also does it on its schedule). */
  async gather(actor: Actor, dto: GatherPrintBatchesDto): Promise<{ items: PrintBatchView[]; letters: number }> {
    if (dto.maxLetters !== undefined && dto.maxLetters > this.settings.maxLetters) {
      throw Problem.validation([{ field: 'maxLetters', reason: `must not be greater than ${this.settings.maxLetters} (PRINT_BATCH_MAX_LETTERS)` }]);
    }
    const { batches } = await gatherAllPrintBatches(this.db, this.audit, actor, dto.maxLetters ?? this.settings.maxLetters);
    const letters = batches.reduce((n, b) => n + b.letter_count, 0);
    if (batches.length) this.logger.log(`gathered ${letters} letters into ${batches.length} print batches on request`);
    return { items: batches.map(printBatchView), letters };
  }

  async list(query: ListPrintBatchesQuery): Promise<Page<PrintBatchView>> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.batches.list({ status: query.status, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map(printBatchView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  async require(id: string): Promise<PrintBatchRow> {
    const batch = await this.batches.find(this.db, id);
    if (!batch) throw Problem.notFound('Print batch', id);
    return batch;
  }

  async get(id: string) {
    const batch = await this.require(id);
    const { states, campaigns, countries } = await this.batches.counts(id);
    return {
      ...printBatchView(batch),
      byState: Object.fromEntries(states.map((s) => [s.state, s.n])),
      byCampaign: campaigns.map((c) => ({ campaignId: c.campaign_id, incidentRef: c.incident_ref, letters: c.n })),
      byCountry: Object.fromEntries(countries.map((c) => [c.country ?? 'unknown', c.n])),
    };
  }

  /**
   * The batch's letters in print order, each rendered from its delivery with the campaign's frozen content
   * in the subject's language. Read `PAGE` rows at a time: memory holds one page, whatever the batch size.
   */
  async *letters(batch: PrintBatchRow): AsyncGenerator<Letter> {
    const campaigns = new Map<string, FrozenCampaignRow>();
    const date = batch.ready_at ?? batch.created_at;
    for (let after = 0; ;) {
      const rows = await this.batches.lettersPage(batch.id, after, PAGE);
      const missing = [...new Set(rows.map((r) => r.campaign_id))].filter((id) => !campaigns.has(id));
      if (missing.length) for (const c of await this.batches.campaigns(missing)) campaigns.set(c.id, c);
      for (const row of rows) {
        const campaign = campaigns.get(row.campaign_id)!;
        const subject = subjectOf(row);
        const token = row.notice_token ?? noticeToken(campaign.link_key, row.delivery_id);
        const prepared = prepareNotice(
          { defaultLanguage: campaign.default_language, content: campaign.content, remediation: campaign.remediation },
          subject,
          { noticeUrl: `${this.notices.publicBaseUrl}/n/${token}`, incidentRef: campaign.incident_ref },
        );
        yield { row, subject, model: letterModel(prepared, subject, { senderLine: this.notices.letterSenderLine, date }) };
      }
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.position;
    }
  }

  /**
   * Checks before the first byte is sent that every letter can be printed: without a Unicode font on this
   * machine, a letter the standard PDF fonts cannot show would break the PDF half-way.
   */
  async assertPrintable(batch: PrintBatchRow): Promise<void> {
    if (batch.letter_count === 0) throw Problem.conflict('print-batch-empty', 'The print batch has no letters', 'There is nothing to print in this batch.');
    if (findUnicodeFonts()) return;
    let refused = 0;
    for await (const letter of this.letters(batch)) if (!isWinAnsiText(modelText(letter.model))) refused++;
    if (refused) throw Problem.conflict('letter-font-missing', 'No font can show some letters of this batch', `${refused} letters need a Unicode font: ${new LetterFontError().message}`, { letters: refused });
  }

  /** Streams the batch as ONE PDF (each letter from a new page) into `output`. */
  async writePdf(batch: PrintBatchRow, output: Writable): Promise<{ letters: number; pages: number }> {
    const pass = new PassThrough();
    // If the client goes away, the pipeline fails `pass`, which stops the rendering (and the reads).
    const piping = pipeline(pass, output);
    piping.catch(() => undefined); // handled below; never an unhandled rejection while the PDF is written
    try {
      const result = await writeLettersPdf((async function* (letters: AsyncGenerator<Letter>) {
        for await (const letter of letters) yield letter.model;
      })(this.letters(batch)), pass, { title: `Print batch ${batch.id}` });
      await piping;
      this.logger.log(`print batch ${batch.id}: PDF of ${result.letters} letters, ${result.pages} pages`);
      return result;
    } catch (error) {
      await piping.catch(() => undefined);
      throw error;
    }
  }

  /** Streams the manifest: one RFC 4180 CSV line per letter, in print order. */
  async writeManifest(batch: PrintBatchRow, output: Writable): Promise<void> {
    const letters = this.letters(batch);
    await pipeline(Readable.from((async function* () {
      yield MANIFEST_HEADER;
      let chunk = '';
      for await (const letter of letters) {
        chunk += manifestLine(letter);
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    })()), output);
  }

  /**
   * Staff confirm the batch was handed to the post: the batch becomes `mailed` and its letters `sent`
   * (sent_at = mailedAt), in one transaction, audited. A repeat is a no-op answered with the batch as it is;
   * a repeat naming another mailedAt is a 409.
   */
  async markMailed(actor: Actor, id: string, dto: MarkMailedDto) {
    const mailedAt = dto.mailedAt === undefined ? new Date() : new Date(dto.mailedAt);
    if (mailedAt.getTime() > Date.now() + 5 * 60_000) throw Problem.validation([{ field: 'mailedAt', reason: 'must not be in the future' }]);
    const batch = await this.db.transaction(async (tx) => {
      const current = await this.batches.find(tx, id, true);
      if (!current) throw Problem.notFound('Print batch', id);
      if (current.status === 'mailed') {
        if (dto.mailedAt !== undefined && current.mailed_at!.getTime() !== mailedAt.getTime()) {
          throw Problem.conflict('print-batch-already-mailed', 'The print batch was already mailed',
            `It was marked mailed at ${current.mailed_at!.toISOString()}; nothing was changed.`, { mailedAt: current.mailed_at });
        }
        return current;
      }
      if (current.status !== 'ready') throw Problem.conflict('print-batch-not-ready', 'The print batch is still being gathered', 'Try again in a moment.');
      if (mailedAt < current.created_at) throw Problem.validation([{ field: 'mailedAt', reason: 'must not be before the batch was gathered' }]);
      const letters = await this.batches.markLettersSent(tx, id, mailedAt);
      const mailed = (await this.batches.markMailed(tx, id, mailedAt, actor.id))!;
      await this.audit.record(tx, actor, {
        action: 'print_batch.mailed', entityType: 'print_batch', entityId: id,
        before: { status: current.status }, after: { status: 'mailed', mailedAt: mailedAt.toISOString(), lettersSent: letters },
      });
      return mailed;
    });
    return this.get(batch.id);
  }
}
