import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public announcements (substitute notice): where telling people one by one fails or is disproportionate,
 * the public is told on a page and in an Atom feed, for at least the required period.
 *
 * announcements
 *   id, incident_id → incidents
 *   campaign_id       the campaign whose substitute-notice policy created it (at most one per campaign: the
 *                     unique constraint decides between several notifier processes); null when staff made it.
 *   slug              the public address `/announcements/<slug>`, human: `inc-2026-0001-notice`, `…-notice-2`.
 *   status            draft → published → withdrawn; draft → withdrawn (discarded, never public).
 *   title             the headline in the default language (index, feed, page in that language).
 *   default_language, content
 *                     the notice the public reads, same shape as a campaign's content (per language: subject,
 *                     whatHappened, …, contactPoint), remediation bullets already merged in.
 *   reason            why it was made, in plain words (the decision's figures, or the staff's reason);
 *   ground            no_contact | unreachable_count | unreachable_share | all_unreachable | staff.
 *   duration_days     the posting period; visible_until = published_at + duration_days, set on publication.
 *   created_by        the token that made it; null: the system (the campaign's policy).
 *   published_by      the approver who published it; null while a draft, or when the policy published it
 *                     (auto_publish, only for a system-made announcement). Never the creator (four eyes).
 *   withdrawn_at, withdrawn_by, withdrawal_reason, withdrawal_forced (withdrawn before visible_until).
 *   version (optimistic locking), created_at, updated_at.
 *
 * announcement_updates: the dated timeline of an announcement; body per language {"en": "…", "de": "…"}.
 *
 * deliveries_unreachable: the notifier's monitor counts a running campaign's unreachable people without
 * reading its other deliveries.
 */
export class Announcements1732400030000 implements MigrationInterface {
  name = 'Announcements1732400030000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE announcements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        campaign_id uuid UNIQUE REFERENCES notice_campaigns(id),
        slug text NOT NULL UNIQUE CHECK (length(slug) <= 100 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','withdrawn')),
        title text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 300),
        default_language text NOT NULL,
        content jsonb NOT NULL CHECK (jsonb_typeof(content) = 'object' AND content ? default_language),
        reason text NOT NULL DEFAULT '',
        ground text NOT NULL CHECK (ground IN ('no_contact','unreachable_count','unreachable_share','all_unreachable','staff')),
        duration_days int NOT NULL CHECK (duration_days BETWEEN 1 AND 3650),
        published_at timestamptz,
        visible_until timestamptz,
        created_by uuid,
        published_by uuid,
        withdrawn_at timestamptz,
        withdrawn_by uuid,
        withdrawal_reason text,
        withdrawal_forced boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT announcements_published_dated CHECK ((published_at IS NULL) = (visible_until IS NULL) AND (visible_until IS NULL OR visible_until > published_at)),
        CONSTRAINT announcements_draft_unpublished CHECK (status <> 'draft' OR published_at IS NULL),
        CONSTRAINT announcements_published_has_date CHECK (status <> 'published' OR published_at IS NOT NULL),
        CONSTRAINT announcements_four_eyes CHECK (published_by IS NULL OR created_by IS NULL OR published_by <> created_by),
        CONSTRAINT announcements_publisher CHECK (published_at IS NULL OR published_by IS NOT NULL OR created_by IS NULL),
        CONSTRAINT announcements_withdrawn CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL)),
        CONSTRAINT announcements_staff_ground CHECK ((ground = 'staff') = (created_by IS NOT NULL))
      );
      -- The public index and feed read only published ones, newest first.
      CREATE INDEX announcements_public ON announcements (published_at DESC, id DESC) WHERE status = 'published';
      CREATE INDEX announcements_keyset ON announcements (created_at DESC, id DESC);
      CREATE INDEX announcements_incident ON announcements (incident_id, created_at DESC, id DESC);

      CREATE TABLE announcement_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        announcement_id uuid NOT NULL REFERENCES announcements(id),
        at timestamptz NOT NULL DEFAULT now(),
        body jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object' AND body <> '{}'::jsonb),
        created_by uuid NOT NULL
      );
      CREATE INDEX announcement_updates_timeline ON announcement_updates (announcement_id, at DESC, id DESC);

      CREATE INDEX deliveries_unreachable ON deliveries (campaign_id) WHERE state = 'unreachable';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_unreachable;
      DROP TABLE announcement_updates, announcements;
    `);
  }
}
