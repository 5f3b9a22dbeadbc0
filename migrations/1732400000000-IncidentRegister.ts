import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The incident register: tokens, audit chain, incidents, assessments, remediation, third parties, subjects. */
export class IncidentRegister1732400000000 implements MigrationInterface {
  name = 'IncidentRegister1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','responder','approver','regulator','viewer')),
        token_hash bytea NOT NULL UNIQUE,
        token_prefix text NOT NULL,
        created_by uuid REFERENCES api_tokens(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz
      );

      CREATE TABLE audit_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        actor_id text NOT NULL,
        actor_role text NOT NULL,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        incident_id uuid,
        before jsonb,
        after jsonb,
        prev_hash text NOT NULL,
        hash text NOT NULL
      );
      CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);
      CREATE INDEX audit_events_incident ON audit_events (incident_id, seq) WHERE incident_id IS NOT NULL;
      -- Append-only: the database itself refuses to rewrite history.
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

      CREATE TABLE incident_ref_counters (
        year int PRIMARY KEY,
        last int NOT NULL
      );

      CREATE TABLE incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ref text NOT NULL UNIQUE,
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'detected'
          CHECK (status IN ('detected','triaged','contained','notifying','resolved','closed')),
        severity_band text CHECK (severity_band IN ('low','medium','high','very_high')),
        risk_level text CHECK (risk_level IN ('unlikely','risk','high')),
        detected_at timestamptz,
        aware_at timestamptz NOT NULL,
        occurred_from timestamptz,
        occurred_to timestamptz,
        contained_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        version int NOT NULL DEFAULT 1,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX incidents_keyset ON incidents (created_at DESC, id DESC);
      CREATE INDEX incidents_status ON incidents (status, created_at DESC, id DESC);

      CREATE TABLE assessments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        version int NOT NULL,
        input jsonb NOT NULL,
        severity_score numeric(4,2) NOT NULL,
        severity_band text NOT NULL,
        risk_level text NOT NULL,
        recommendation text NOT NULL,
        result jsonb NOT NULL,
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (incident_id, version)
      );

      CREATE TABLE remediation_actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        kind text NOT NULL CHECK (kind IN ('containment','eradication','recovery','support','prevention')),
        title text NOT NULL,
        description text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned','in_progress','done','cancelled')),
        owner text,
        due_at timestamptz,
        done_at timestamptz,
        include_in_notice boolean NOT NULL DEFAULT false,
        public_wording text,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (NOT include_in_notice OR public_wording IS NOT NULL)
      );
      CREATE INDEX remediation_actions_incident ON remediation_actions (incident_id, created_at, id);

      CREATE TABLE third_parties (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('processor','sub_processor','controller','joint_controller','partner','other')),
        contact_name text,
        contact_email text,
        contact_phone text,
        data_categories text[] NOT NULL DEFAULT '{}',
        notified_at timestamptz,
        notes text NOT NULL DEFAULT '',
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX third_parties_incident ON third_parties (incident_id, created_at, id);

      CREATE TABLE affected_subjects (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        external_ref text NOT NULL,
        name text,
        email text,
        phone text,
        push_tokens text[] NOT NULL DEFAULT '{}',
        postal_address text,
        country text,
        region text,
        language text,
        is_minor boolean NOT NULL DEFAULT false,
        guardian_name text,
        guardian_email text,
        guardian_phone text,
        data_categories text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (incident_id, external_ref)
      );

      CREATE TABLE subject_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        format text NOT NULL,
        status text NOT NULL CHECK (status IN ('completed','failed')),
        rows_total int NOT NULL DEFAULT 0,
        rows_accepted int NOT NULL DEFAULT 0,
        rows_rejected int NOT NULL DEFAULT 0,
        inserted int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        created_by uuid NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL
      );
      CREATE INDEX subject_imports_incident ON subject_imports (incident_id, started_at DESC);

      -- Rejections keep the line, field and reason, never the rejected value (it may be contact data).
      CREATE TABLE subject_import_rejections (
        import_id uuid NOT NULL REFERENCES subject_imports(id),
        line int NOT NULL,
        field text NOT NULL,
        reason text NOT NULL
      );
      CREATE INDEX subject_import_rejections_import ON subject_import_rejections (import_id, line);

      -- Notifier processes announce themselves; the api reports which are alive.
      CREATE TABLE notifier_workers (
        id uuid PRIMARY KEY,
        hostname text NOT NULL,
        pid int NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        stopped_at timestamptz
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE notifier_workers, subject_import_rejections, subject_imports, affected_subjects, third_parties,
        remediation_actions, assessments, incidents, incident_ref_counters;
      DROP TRIGGER audit_events_no_update ON audit_events;
      DROP TABLE audit_events;
      DROP FUNCTION audit_events_append_only();
      DROP TABLE api_tokens;
    `);
  }
}
