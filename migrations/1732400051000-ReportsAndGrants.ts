import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Regulator reports and regulator-scoped tokens.
 *
 * reports            One report document (`document`, JSON schema in libs/domain/src/reports/report-schema.ts)
 *                    per version of a series: an incident's obligation (`series_key` = incident id + obligation
 *                    key) or a periodic log (`hipaa_annual_log:2026`, `pecr_monthly_log:2026-10`).
 *                    draft → released (by an approver) → submitted. A draft is rebuilt from the records
 *                    whenever it is read; `manual_values` holds what staff typed in for fields the records
 *                    cannot fill. Released and submitted reports never change (trigger): a correction is a
 *                    new version that names the one it replaces (`supersedes`). One open draft per series.
 * regulator_grants   What a regulator-role token may read: one report (and its corrections), or every
 *                    released report of a regime (optionally one notification of it, e.g. ca_ag).
 */
export class ReportsAndGrants1732400051000 implements MigrationInterface {
  name = 'ReportsAndGrants1732400051000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('incident','hipaa_annual_log','pecr_monthly_log')),
        incident_id uuid REFERENCES incidents(id),
        obligation_id uuid REFERENCES obligations(id),
        regime text NOT NULL,
        notification_id text NOT NULL,
        phase text NOT NULL,
        jurisdiction text,
        period_key text,
        series_key text NOT NULL,
        version int NOT NULL CHECK (version >= 1),
        supersedes uuid REFERENCES reports(id),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','released','submitted')),
        schema_version text NOT NULL,
        document jsonb NOT NULL,
        missing_fields text[] NOT NULL DEFAULT '{}',
        manual_values jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(manual_values) = 'object'),
        content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        due_at timestamptz,
        generated_at timestamptz NOT NULL,
        generated_by text NOT NULL,
        edited_by uuid,
        released_by uuid,
        released_at timestamptz,
        released_hash text,
        submitted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (series_key, version),
        CONSTRAINT reports_incident_kind CHECK ((kind = 'incident') = (incident_id IS NOT NULL AND obligation_id IS NOT NULL)),
        CONSTRAINT reports_periodic_period CHECK ((kind = 'incident') = (period_key IS NULL)),
        CONSTRAINT reports_release_together CHECK ((released_by IS NULL) = (released_at IS NULL) AND (released_at IS NULL) = (released_hash IS NULL)),
        CONSTRAINT reports_draft_unreleased CHECK ((status = 'draft') = (released_at IS NULL)),
        CONSTRAINT reports_released_as_is CHECK (status = 'draft' OR released_hash = content_hash),
        CONSTRAINT reports_four_eyes CHECK (released_by IS NULL OR released_by IS DISTINCT FROM edited_by),
        CONSTRAINT reports_submitted_at CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
      );
      CREATE UNIQUE INDEX reports_one_draft ON reports (series_key) WHERE status = 'draft';
      CREATE INDEX reports_incident ON reports (incident_id, created_at, id) WHERE incident_id IS NOT NULL;
      CREATE INDEX reports_regime ON reports (regime, notification_id, created_at, id);

      -- A released report is what the regulator got: its content never changes again, and it is never deleted.
      CREATE FUNCTION reports_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD.status <> 'draft' THEN RAISE EXCEPTION 'report % is released and cannot be deleted', OLD.id; END IF;
            RETURN OLD;
          END IF;
          IF OLD.status <> 'draft' AND (
               NEW.document IS DISTINCT FROM OLD.document OR NEW.content_hash IS DISTINCT FROM OLD.content_hash
            OR NEW.manual_values IS DISTINCT FROM OLD.manual_values OR NEW.missing_fields IS DISTINCT FROM OLD.missing_fields
            OR NEW.released_at IS DISTINCT FROM OLD.released_at OR NEW.released_by IS DISTINCT FROM OLD.released_by
            OR NEW.version IS DISTINCT FROM OLD.version OR NEW.series_key IS DISTINCT FROM OLD.series_key OR NEW.status = 'draft') THEN
            RAISE EXCEPTION 'report % is released and cannot be changed; issue a correction', OLD.id;
          END IF;
          RETURN NEW;
        END $$;
      CREATE TRIGGER reports_immutable BEFORE UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION reports_immutable();

      ALTER TABLE obligation_submissions ADD CONSTRAINT obligation_submissions_report FOREIGN KEY (report_id) REFERENCES reports(id);

      CREATE TABLE regulator_grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_id uuid NOT NULL REFERENCES api_tokens(id),
        report_id uuid REFERENCES reports(id),
        regime text,
        notification_id text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT regulator_grants_one_scope CHECK ((report_id IS NULL) <> (regime IS NULL)),
        CONSTRAINT regulator_grants_notification_of_regime CHECK (notification_id IS NULL OR regime IS NOT NULL)
      );
      CREATE INDEX regulator_grants_token ON regulator_grants (token_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE regulator_grants;
      ALTER TABLE obligation_submissions DROP CONSTRAINT obligation_submissions_report;
      DROP TRIGGER reports_immutable ON reports;
      DROP TABLE reports;
      DROP FUNCTION reports_immutable();
    `);
  }
}
