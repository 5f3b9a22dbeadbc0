import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deliveries: one row per (campaign, subject), the notifier's unit of work. The row moves along the
 * campaign's channel chain (`step`) instead of spawning new rows, so every subject ends in exactly one
 * final state: sent / delivered, unreachable (with `tried`, the reason per channel), or cancelled.
 *
 * Letters wait in `printing` (queued for a print batch) until staff mark their batch mailed; then `sent`.
 *
 * Claiming: `FOR UPDATE SKIP LOCKED` on the partial index of queued rows, then a lease
 * (`lease_owner`, `lease_until`). A worker that dies holding a lease is detected when the lease runs out:
 * the row is queued again and `lease_expiries` counts the possible duplicate send.
 */
export class Deliveries1732400020000 implements MigrationInterface {
  name = 'Deliveries1732400020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The notifier expands a campaign in chunks of subjects (by id) so the first notices go out at once.
      ALTER TABLE notice_campaigns
        ADD COLUMN expanded_through bigint NOT NULL DEFAULT 0,
        ADD COLUMN expanded_at timestamptz;

      -- Whether a subject can be reached on a channel; a minor through the guardian, never by push.
      CREATE FUNCTION subject_reachable(channel text, s affected_subjects) RETURNS boolean
        LANGUAGE sql STABLE AS $$
        SELECT CASE channel
          WHEN 'email' THEN CASE WHEN s.is_minor THEN s.guardian_email IS NOT NULL ELSE s.email IS NOT NULL END
          WHEN 'sms' THEN CASE WHEN s.is_minor THEN s.guardian_phone IS NOT NULL ELSE s.phone IS NOT NULL END
          WHEN 'push' THEN NOT s.is_minor AND cardinality(s.push_tokens) > 0
          WHEN 'letter' THEN s.postal_address IS NOT NULL
          ELSE false END
      $$;

      -- The next step (1-based) of the chain after \`after_step\` on which the subject is reachable, or null.
      CREATE FUNCTION next_reachable_step(chain text[], after_step int, s affected_subjects) RETURNS int
        LANGUAGE sql STABLE AS $$
        SELECT min(i) FROM generate_subscripts(chain, 1) AS i WHERE i > after_step AND subject_reachable(chain[i], s)
      $$;

      CREATE TABLE deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        campaign_id uuid NOT NULL REFERENCES notice_campaigns(id),
        subject_id bigint NOT NULL REFERENCES affected_subjects(id),
        state text NOT NULL CHECK (state IN ('queued','sending','printing','sent','delivered','unreachable','cancelled')),
        step int,
        channel text CHECK (channel IN ('email','sms','push','letter')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_owner uuid,
        lease_until timestamptz,
        lease_expiries int NOT NULL DEFAULT 0,
        provider text,
        provider_message_id text,
        notice_token text NOT NULL UNIQUE,
        tried jsonb NOT NULL DEFAULT '[]',
        sent_at timestamptz,
        delivered_at timestamptz,
        opened_at timestamptz,
        open_count int NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (campaign_id, subject_id),
        CHECK (state <> 'sending' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
        CHECK (state NOT IN ('queued','sending') OR channel IS NOT NULL)
      );
      -- Claims scan only queued rows: without this partial index every claim would wade through finished ones.
      CREATE INDEX deliveries_claimable ON deliveries (channel, next_attempt_at) WHERE state = 'queued';
      CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE state = 'sending';
      -- "Is anything of this campaign still open?" without scanning its finished rows.
      CREATE INDEX deliveries_open ON deliveries (campaign_id) WHERE state IN ('queued','sending','printing');
      CREATE INDEX deliveries_provider_message ON deliveries (provider, provider_message_id) WHERE provider_message_id IS NOT NULL;

      -- The sandbox transport: what would have been sent, readable through the api.
      CREATE TABLE outbox_messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id bigint,
        channel text NOT NULL,
        recipient text NOT NULL,
        subject text,
        body text NOT NULL,
        html text,
        link text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX outbox_messages_delivery ON outbox_messages (delivery_id);

      -- A channel stopped because of a configuration error (bad credentials): no audience is burnt on it.
      CREATE TABLE channel_pauses (
        channel text PRIMARY KEY,
        provider text NOT NULL,
        reason text NOT NULL,
        paused_at timestamptz NOT NULL DEFAULT now()
      );

      -- Alerts for the security team (channel stopped, deadlines near or missed, ...).
      CREATE TABLE alerts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info','warning','critical')),
        incident_id uuid REFERENCES incidents(id),
        campaign_id uuid REFERENCES notice_campaigns(id),
        dedupe_key text UNIQUE,
        message text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        acknowledged_by uuid
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE alerts, channel_pauses, outbox_messages, deliveries;
      DROP FUNCTION next_reachable_step(text[], int, affected_subjects);
      DROP FUNCTION subject_reachable(text, affected_subjects);
      ALTER TABLE notice_campaigns DROP COLUMN expanded_through, DROP COLUMN expanded_at;
    `);
  }
}
