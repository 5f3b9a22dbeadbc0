import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bulk import's two biggest costs inside PostgreSQL, measured on a million-row COPY into affected_subjects
 * (CPU seconds of the backend): the foreign key affected_subjects.incident_id → incidents 3.5–4.0 s of 8.5–9.5 s,
 * and the unique index on (incident_id, external_ref) under the database's libc collation (C.UTF-8 here) about
 * 0.5 s more than the same index under "C". This migration keeps both guarantees and changes how they are kept.
 *
 * 1. The foreign key becomes statement-level checks. A foreign key checks every inserted row on its own (one
 *    SPI query and one row lock per row, queued as a row event); an import inserts ~20,000 rows per statement,
 *    all for one incident. Its replacement, equivalent in what it allows:
 *
 *    - AFTER INSERT … FOR EACH STATEMENT, with the statement's new rows as a transition table: every distinct
 *      incident_id among them is looked up and locked FOR KEY SHARE (the lock the foreign key takes); one that
 *      is not found fails the statement with SQLSTATE 23503 (foreign_key_violation), as the foreign key did.
 *      It fires when the foreign key's row checks fired (at the end of the statement), for COPY, INSERT …
 *      SELECT and INSERT … ON CONFLICT alike (an upsert's updates do not change incident_id).
 *    - AFTER UPDATE OF incident_id … FOR EACH ROW, only when the value changes (a WHEN clause, so no other
 *      update pays for it): the same lookup and lock for the new value. Nothing in Tocsin moves a subject.
 *    - On incidents, AFTER DELETE and AFTER UPDATE OF id (when it changes) FOR EACH ROW: refused with 23503
 *      while a subject refers to the old id (found and locked FOR KEY SHARE, as the foreign key's NO ACTION
 *      check does); AFTER TRUNCATE: refused while affected_subjects has any row (a TRUNCATE that also empties
 *      affected_subjects passes, as it did; TRUNCATE incidents CASCADE no longer empties affected_subjects
 *      by itself, it fails instead). Tocsin never deletes an incident.
 *
 *    Concurrency (READ COMMITTED, the isolation Tocsin uses), the cases the foreign key covers: (a) an import
 *    locks its incident FOR KEY SHARE before it commits, so a concurrent delete waits for it, and the delete's
 *    check then runs with a new snapshot (each statement of a PL/pgSQL function takes one) and sees the
 *    committed subjects; (b) a delete that comes first holds the row until it commits, so the import's lock
 *    waits, finds the row gone and fails; (c) subjects inserted but not yet checked (the check runs at the end
 *    of the statement) are invisible to a delete that commits meanwhile, and the insert's check then finds the
 *    incident gone, as with the foreign key, whose row checks run at the same moment. The one case a trigger
 *    cannot cover as the foreign key does: a delete in REPEATABLE READ or SERIALIZABLE cannot see subjects that
 *    a transaction committed after its snapshot (the foreign key reads them with a special crosscheck
 *    snapshot). So a delete or key update of an incident outside READ COMMITTED is refused outright (55000,
 *    object_not_in_prerequisite_state): stricter than the foreign key, never weaker.
 *    Like the foreign key's own triggers, these do not fire with session_replication_role = replica.
 *
 * 2. The unique index on (incident_id, external_ref) compares external_ref under "C" (bytewise). Under any
 *    deterministic collation two texts are equal only when their bytes are equal, so it refuses exactly the
 *    same duplicates; `ON CONFLICT (incident_id, external_ref)` infers it as before (inference ignores the
 *    collation unless one is named). A lookup by reference probes it only when it compares under "C"
 *    (`external_ref COLLATE "C" = …`), as the import's dry run does.
 */
export class SubjectIncidentCheck1732400052000 implements MigrationInterface {
  name = 'SubjectIncidentCheck1732400052000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE affected_subjects DROP CONSTRAINT affected_subjects_incident_id_fkey;

      CREATE FUNCTION affected_subjects_incident_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing uuid;
      BEGIN
        SELECT n.incident_id INTO missing
        FROM (SELECT DISTINCT incident_id FROM new_subjects) n
        LEFT JOIN LATERAL (SELECT true AS found FROM incidents i WHERE i.id = n.incident_id FOR KEY SHARE OF i) l ON true
        WHERE l.found IS NULL
        LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "affected_subjects" violates foreign key constraint "affected_subjects_incident_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (incident_id)=(%s) is not present in table "incidents".', missing),
              TABLE = 'affected_subjects', CONSTRAINT = 'affected_subjects_incident_id_fkey';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER affected_subjects_incident_inserted AFTER INSERT ON affected_subjects
        REFERENCING NEW TABLE AS new_subjects FOR EACH STATEMENT EXECUTE FUNCTION affected_subjects_incident_inserted();

      CREATE FUNCTION affected_subjects_incident_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM 1 FROM incidents WHERE id = NEW.incident_id FOR KEY SHARE;
        IF NOT FOUND THEN
          RAISE EXCEPTION 'insert or update on table "affected_subjects" violates foreign key constraint "affected_subjects_incident_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (incident_id)=(%s) is not present in table "incidents".', NEW.incident_id),
              TABLE = 'affected_subjects', CONSTRAINT = 'affected_subjects_incident_id_fkey';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER affected_subjects_incident_changed AFTER UPDATE OF incident_id ON affected_subjects
        FOR EACH ROW WHEN (OLD.incident_id IS DISTINCT FROM NEW.incident_id) EXECUTE FUNCTION affected_subjects_incident_changed();

      CREATE FUNCTION incidents_keep_subjects() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          IF EXISTS (SELECT 1 FROM affected_subjects) THEN
            RAISE EXCEPTION 'cannot truncate table "incidents" while table "affected_subjects" refers to it'
              USING ERRCODE = 'feature_not_supported', HINT = 'Truncate table "affected_subjects" at the same time.';
          END IF;
          RETURN NULL;
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'an incident can be deleted, or its id changed, only in a READ COMMITTED transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = 'Its affected subjects are checked with a fresh snapshot, which only READ COMMITTED gives.';
        END IF;
        PERFORM 1 FROM affected_subjects WHERE incident_id = OLD.id LIMIT 1 FOR KEY SHARE;
        IF FOUND THEN
          RAISE EXCEPTION 'update or delete on table "incidents" violates foreign key constraint "affected_subjects_incident_id_fkey" on table "affected_subjects"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "affected_subjects".', OLD.id),
              TABLE = 'incidents', CONSTRAINT = 'affected_subjects_incident_id_fkey';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER incidents_keep_subjects_on_delete AFTER DELETE ON incidents
        FOR EACH ROW EXECUTE FUNCTION incidents_keep_subjects();
      CREATE TRIGGER incidents_keep_subjects_on_update AFTER UPDATE OF id ON incidents
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION incidents_keep_subjects();
      CREATE TRIGGER incidents_keep_subjects_on_truncate AFTER TRUNCATE ON incidents
        FOR EACH STATEMENT EXECUTE FUNCTION incidents_keep_subjects();

      ALTER TABLE affected_subjects DROP CONSTRAINT affected_subjects_incident_id_external_ref_key;
      CREATE UNIQUE INDEX affected_subjects_incident_id_external_ref_key ON affected_subjects (incident_id, external_ref COLLATE "C");
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX affected_subjects_incident_id_external_ref_key;
      ALTER TABLE affected_subjects ADD CONSTRAINT affected_subjects_incident_id_external_ref_key UNIQUE (incident_id, external_ref);
      DROP TRIGGER incidents_keep_subjects_on_truncate ON incidents;
      DROP TRIGGER incidents_keep_subjects_on_update ON incidents;
      DROP TRIGGER incidents_keep_subjects_on_delete ON incidents;
      DROP FUNCTION incidents_keep_subjects();
      DROP TRIGGER affected_subjects_incident_changed ON affected_subjects;
      DROP FUNCTION affected_subjects_incident_changed();
      DROP TRIGGER affected_subjects_incident_inserted ON affected_subjects;
      DROP FUNCTION affected_subjects_incident_inserted();
      ALTER TABLE affected_subjects ADD CONSTRAINT affected_subjects_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id);
    `);
  }
}
