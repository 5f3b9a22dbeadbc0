import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Print batches and provider webhooks.
 *
 * print_batches: letters waiting in `printing` are gathered into batches of at most N (PRINT_BATCH_MAX_LETTERS),
 * by the notifier on a schedule (created_by null) or on demand through the api (created_by = the token).
 *   status  open (being gathered, only ever seen inside the gathering transaction) → ready (closed: print it)
 *           → mailed (staff confirmed the envelopes left; its deliveries become `sent` with sent_at = mailed_at).
 * deliveries.print_batch_id / print_position: the batch of a letter and its place in the batch's PDF and manifest;
 * a letter is in at most one batch (a column, not a link table), and a position is unique within its batch.
 *
 * webhook_events: every provider event applied, keyed by provider + the provider's event id (SendGrid
 * sg_event_id; Twilio MessageSid:status), so a replayed event is acknowledged but not applied twice.
 * Reasons are codes; no address or provider prose is stored.
 */
export class PrintBatchesAndWebhooks1732400040000 implements MigrationInterface {
  name = 'PrintBatchesAndWebhooks1732400040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE print_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','ready','mailed')),
        letter_count int NOT NULL DEFAULT 0 CHECK (letter_count >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        mailed_at timestamptz,
        mailed_by uuid,
        created_by uuid,
        CONSTRAINT print_batches_ready_at CHECK ((status = 'open') = (ready_at IS NULL)),
        CONSTRAINT print_batches_mailed CHECK ((status = 'mailed') = (mailed_at IS NOT NULL) AND (mailed_at IS NULL) = (mailed_by IS NULL))
      );
      CREATE INDEX print_batches_listing ON print_batches (created_at DESC, id DESC);

      ALTER TABLE deliveries
        ADD COLUMN print_batch_id uuid REFERENCES print_batches(id),
        ADD COLUMN print_position int,
        ADD CONSTRAINT deliveries_print_batch_position CHECK ((print_batch_id IS NULL) = (print_position IS NULL));
      -- Gathering scans only the letters still waiting for a batch.
      CREATE INDEX deliveries_printing_unbatched ON deliveries (id) WHERE state = 'printing' AND print_batch_id IS NULL;
      -- A batch's letters in print order (PDF, manifest, mailing); one letter per position.
      CREATE UNIQUE INDEX deliveries_print_batch_position ON deliveries (print_batch_id, print_position) WHERE print_batch_id IS NOT NULL;

      CREATE TABLE webhook_events (
        provider text NOT NULL,
        event_id text NOT NULL,
        -- No foreign key: an event may name a delivery this database does not hold (another install, a test post).
        delivery_id bigint,
        event text NOT NULL,
        status text NOT NULL,
        reason text,
        occurred_at timestamptz,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      );
      CREATE INDEX webhook_events_delivery ON webhook_events (delivery_id) WHERE delivery_id IS NOT NULL;
      -- For pruning old events.
      CREATE INDEX webhook_events_received ON webhook_events (received_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE webhook_events;
      DROP INDEX deliveries_print_batch_position;
      DROP INDEX deliveries_printing_unbatched;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_print_batch_position, DROP COLUMN print_position, DROP COLUMN print_batch_id;
      DROP TABLE print_batches;
    `);
  }
}
