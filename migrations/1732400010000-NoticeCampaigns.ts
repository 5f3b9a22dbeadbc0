import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notice campaigns: what is said to the affected people of an incident, to whom, on which channels, and who
 * approved it. The api writes drafts and approvals; the notifier (fan-out, deliveries) reads approved
 * campaigns and writes `status` running/completed, `started_at`, `finished_at` and `summary`.
 *
 * notice_campaigns
 *   id, incident_id → incidents, name
 *   status            draft → approved → running → completed; draft/approved/running → cancelled.
 *                     Any edit of an approved campaign puts it back to draft and clears the approval.
 *   audience          {"kind":"all"} | {"kind":"filter","jurisdictions":["DE","US-CA"],"dataCategories":["financial"]}
 *                     filter: (country = ANY(jurisdictions) OR region = ANY(jurisdictions)) AND
 *                     data_categories && dataCategories, each part only when its list is non-empty.
 *   channel_chain     ordered, no repeats, from email, sms, push, letter: the first channel a subject is
 *                     reachable on is tried first, the next ones on permanent failure. Reachability is the
 *                     subjects' (`CHANNEL_SQL` in apps/api/src/subjects): a minor through the guardian's
 *                     e-mail/phone and the postal address, never push; sms = phone, letter = postal_address.
 *   default_language  BCP 47, canonical (`en`, `pt-BR`); content always has it.
 *   content           {"<lang>": {subject, whatHappened, possibleImpact?, measuresTaken, selfProtection,
 *                     remedialMeasures, contactPoint, sms?, push?: {title, body}}} — the author's plain text
 *                     with placeholders {{name}} {{noticeUrl}} {{incidentRef}} {{contactPoint}}.
 *   include_remediation, remediation
 *                     when the campaign asks, a snapshot [{id, kind, wording}] of the incident's remediation
 *                     actions flagged include_in_notice (not cancelled), taken at each edit; null otherwise.
 *                     Render with `prepareNotice` from #domain, which appends them as bullets (support →
 *                     remedialMeasures, other kinds → measuresTaken).
 *   content_hash      SHA-256 hex of the canonical JSON of everything approval freezes (audience, chain,
 *                     default language and languages, content, remediation, substitute policy):
 *                     `campaignContentHash` in #domain.
 *   substitute_policy null | {unreachableCount?, unreachableShare?, mode: auto_publish|draft_for_approval, durationDays}
 *   author_id         the token that created it; approved_by must differ (four eyes, checked here too).
 *   approved_by, approved_at, approved_hash
 *                     set together; approved_hash = content_hash while approved/running/completed, so what
 *                     is sent is exactly what was approved.
 *   cancelled_at, started_at, finished_at, summary (jsonb, the notifier's figures), version (optimistic
 *   locking: every write increments it), created_at, updated_at.
 */
export class NoticeCampaigns1732400010000 implements MigrationInterface {
  name = 'NoticeCampaigns1732400010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notice_channel_chain_valid(chain text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT cardinality(chain) BETWEEN 1 AND 4
          AND chain <@ ARRAY['email','sms','push','letter']::text[]
          AND cardinality(chain) = (SELECT count(DISTINCT c) FROM unnest(chain) AS c)
      $$;

      CREATE TABLE notice_campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        name text NOT NULL CHECK (btrim(name) <> ''),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','approved','running','completed','cancelled')),
        audience jsonb NOT NULL CHECK (audience->>'kind' IN ('all','filter')),
        channel_chain text[] NOT NULL CHECK (notice_channel_chain_valid(channel_chain)),
        default_language text NOT NULL,
        content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object' AND content ? default_language),
        include_remediation boolean NOT NULL DEFAULT false,
        remediation jsonb CHECK (remediation IS NULL OR jsonb_typeof(remediation) = 'array'),
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        substitute_policy jsonb,
        author_id uuid NOT NULL,
        approved_by uuid,
        approved_at timestamptz,
        approved_hash text,
        cancelled_at timestamptz,
        started_at timestamptz,
        finished_at timestamptz,
        summary jsonb,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notice_campaigns_approval_together
          CHECK ((approved_by IS NULL) = (approved_at IS NULL) AND (approved_at IS NULL) = (approved_hash IS NULL)),
        CONSTRAINT notice_campaigns_four_eyes CHECK (approved_by IS DISTINCT FROM author_id),
        CONSTRAINT notice_campaigns_draft_unapproved CHECK (status <> 'draft' OR approved_by IS NULL),
        CONSTRAINT notice_campaigns_sent_as_approved
          CHECK (status NOT IN ('approved','running','completed') OR approved_hash = content_hash),
        CONSTRAINT notice_campaigns_cancelled_at CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
      );
      CREATE INDEX notice_campaigns_incident_keyset ON notice_campaigns (incident_id, created_at, id);
      -- The notifier polls for work: few rows are approved or running at any time.
      CREATE INDEX notice_campaigns_active ON notice_campaigns (status, approved_at) WHERE status IN ('approved','running');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notice_campaigns;
      DROP FUNCTION notice_channel_chain_valid(text[]);
    `);
  }
}
