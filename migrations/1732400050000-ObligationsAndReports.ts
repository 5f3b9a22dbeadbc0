import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal clocks: the organisation's profile (time zone, holidays, what kind of organisation it is), the facts
 * of an incident that start clocks, the obligations derived from them, and the submissions made.
 *
 * organisation_profile  one row (id = true). Read by the obligation derivation: time zone and holidays count
 *                       days; the flags bring regimes into scope. contact_point and reporter_* fill report fields.
 * incident_clock_facts  one row per incident, optional: discovery, breach determination, DORA classification,
 *                       SEC materiality and information, end of handling, NIS2 significance, CAC grade inputs.
 * obligations           one row per obligation key (`<notification>:<phase>[:<jurisdiction>]`) of an incident,
 *                       as last derived: `derived` holds the whole derivation (reasons, notes, UNCONFIRMED flags);
 *                       the columns repeat what is queried (due_at, status, submitted_at). A key no longer
 *                       derived is kept as `withdrawn` (reports and submissions refer to it).
 * obligation_submissions what was sent to whom, when, how, with which reference; starts `submission_of:` clocks.
 */
export class ObligationsAndReports1732400050000 implements MigrationInterface {
  name = 'ObligationsAndReports1732400050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organisation_profile (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        name text NOT NULL DEFAULT '',
        time_zone text NOT NULL,
        holidays text[] NOT NULL DEFAULT '{}'
          CHECK (array_to_string(holidays, ',') ~ '^([0-9]{4}-[0-9]{2}-[0-9]{2}(,|$))*$'),
        sector text,
        role text NOT NULL DEFAULT 'controller' CHECK (role IN ('controller','processor')),
        cn_operator_type text CHECK (cn_operator_type IN ('ciio','state_organ','other')),
        listed_company boolean NOT NULL DEFAULT false,
        telecom_provider boolean NOT NULL DEFAULT false,
        hipaa_covered_entity boolean NOT NULL DEFAULT false,
        hipaa_business_associate boolean NOT NULL DEFAULT false,
        nis2_entity text CHECK (nis2_entity IN ('essential','important')),
        dora_financial_entity boolean NOT NULL DEFAULT false,
        dora_weekend_relief boolean NOT NULL DEFAULT false,
        contact_point text,
        reporter_name text,
        reporter_email text,
        reporter_phone text,
        version int NOT NULL DEFAULT 1,
        updated_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE incident_clock_facts (
        incident_id uuid PRIMARY KEY REFERENCES incidents(id),
        discovered_at timestamptz,
        breach_determined_at timestamptz,
        classified_major_at timestamptz,
        materiality_determined_at timestamptz,
        info_determined_at timestamptz,
        handled_at timestamptz,
        nis2_significant boolean,
        cn_grade_other_axes text CHECK (cn_grade_other_axes IN ('general','relatively_major','major','particularly_major')),
        cn_loss_cny numeric(20,2) CHECK (cn_loss_cny >= 0),
        version int NOT NULL DEFAULT 1,
        updated_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE obligations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        key text NOT NULL,
        regime text NOT NULL,
        notification_id text NOT NULL,
        phase text NOT NULL,
        phase_kind text NOT NULL,
        jurisdiction text,
        party text NOT NULL,
        status text NOT NULL CHECK (status IN ('due','waiting','not_applicable','withdrawn')),
        due_at timestamptz,
        qualifier text,
        submitted_at timestamptz,
        unconfirmed text[] NOT NULL DEFAULT '{}',
        derived jsonb NOT NULL,
        catalog_version text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (incident_id, key)
      );
      -- The scheduler looks for clocks that are running and not yet met.
      CREATE INDEX obligations_open ON obligations (due_at) WHERE status = 'due' AND submitted_at IS NULL;

      CREATE TABLE obligation_submissions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        obligation_id uuid NOT NULL REFERENCES obligations(id),
        regime text NOT NULL,
        notification_id text NOT NULL,
        phase text NOT NULL,
        jurisdiction text,
        submitted_at timestamptz NOT NULL,
        method text NOT NULL CHECK (method IN ('portal','email','post','phone','fax','api','other')),
        reference text,
        notes text NOT NULL DEFAULT '',
        report_id uuid,
        recorded_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX obligation_submissions_incident ON obligation_submissions (incident_id, submitted_at, id);
      CREATE INDEX obligation_submissions_obligation ON obligation_submissions (obligation_id, submitted_at);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE obligation_submissions, obligations, incident_clock_facts, organisation_profile;`);
  }
}
