import type { AuditTrail, Database } from '#database';
import type { Actor } from '#domain';

export interface PrintBatchRow {
  id: string;
  status: 'open' | 'ready' | 'mailed';
  letter_count: number;
  created_at: Date;
  ready_at: Date | null;
  mailed_at: Date | null;
  mailed_by: string | null;
  created_by: string | null;
}

/** Upper bound on batches made by one gathering run (a runaway loop guard, far above any real backlog). */
const MAX_BATCHES_PER_RUN = 10_000;

/**
 * Gathers letters waiting in `printing` without a batch into one new batch of at most `maxLetters`, in one
 * transaction: the letters are locked with SKIP LOCKED (a concurrent gatherer, in the api or in another
 * notifier, takes other letters or none), numbered in delivery order, the batch is closed (`ready`) and
 * audited. Returns undefined when no letter is waiting.
 *
 * Shared by the notifier's schedule and the api's POST /v1/print-batches so both gather the same way.
 */
export async function gatherPrintBatch(db: Database, audit: AuditTrail, actor: Actor, maxLetters: number): Promise<PrintBatchRow | undefined> {
  return db.transaction(async (tx) => {
    const gathered = await tx.one<{ id: string | null; letters: number }>(
      `WITH picked AS (
         SELECT d.id FROM deliveries d
         WHERE d.state = 'printing' AND d.print_batch_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM notice_campaigns c WHERE c.id = d.campaign_id AND c.status = 'cancelled')
         ORDER BY d.id LIMIT $2
         FOR UPDATE OF d SKIP LOCKED
       ), batch AS (
         INSERT INTO print_batches (status, created_by) SELECT 'open', $1::uuid WHERE EXISTS (SELECT 1 FROM picked) RETURNING id
       ), assigned AS (
         UPDATE deliveries d SET print_batch_id = batch.id, print_position = p.position, updated_at = now()
         FROM (SELECT id, row_number() OVER (ORDER BY id)::int AS position FROM picked) p, batch
         WHERE d.id = p.id AND d.print_batch_id IS NULL
         RETURNING d.id
       )
       SELECT (SELECT id FROM batch) AS id, (SELECT count(*) FROM assigned)::int AS letters`,
      [actor.role === 'system' ? null : actor.id, maxLetters],
    );
    if (!gathered?.id) return undefined;
    const batch = await tx.one<PrintBatchRow>(
      `UPDATE print_batches SET status = 'ready', ready_at = now(), letter_count = $2 WHERE id = $1 RETURNING *`,
      [gathered.id, gathered.letters],
    );
    await audit.record(tx, actor, {
      action: 'print_batch.created', entityType: 'print_batch', entityId: gathered.id,
      after: { status: 'ready', letterCount: gathered.letters, gatheredBy: actor.role === 'system' ? 'scheduler' : 'staff' },
    });
    return batch;
  });
}

/**
 * Gathers every waiting letter into batches of at most `maxLetters` (the last one may be smaller), after
 * cancelling the waiting letters of cancelled campaigns (nothing more goes out for them; they would
 * otherwise wait in `printing` for ever).
 */
export async function gatherAllPrintBatches(db: Database, audit: AuditTrail, actor: Actor, maxLetters: number): Promise<{ batches: PrintBatchRow[]; cancelled: number }> {
  const cancelled = await cancelWaitingLettersOfCancelledCampaigns(db);
  const batches: PrintBatchRow[] = [];
  for (let i = 0; i < MAX_BATCHES_PER_RUN; i++) {
    const batch = await gatherPrintBatch(db, audit, actor, maxLetters);
    if (!batch) break;
    batches.push(batch);
    if (batch.letter_count < maxLetters) break;
  }
  return { batches, cancelled };
}

async function cancelWaitingLettersOfCancelledCampaigns(db: Database): Promise<number> {
  const rows = await db.rows(
    `UPDATE deliveries d SET state = 'cancelled', updated_at = now()
     FROM notice_campaigns c
     WHERE d.state = 'printing' AND d.print_batch_id IS NULL AND c.id = d.campaign_id AND c.status = 'cancelled'
     RETURNING 1`,
  );
  return rows.length;
}
