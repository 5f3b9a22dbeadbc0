import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery's references to its campaign and its subject are checked per statement instead of per row, as
 * migration 1732400052000 did for subjects and incidents, and for the same reason: the expansion inserts up to
 * 20,000 deliveries per statement, and the foreign keys checked each row on its own and locked its subject row
 * FOR KEY SHARE, which rewrites (and logs) every subject row once more. Measured on 100,000 deliveries (one loop,
 * nothing sent): expansion 3.5 s → 2.6 s.
 *
 * What stays the same (everything a foreign key allowed or refused, with its SQLSTATE 23503):
 * - AFTER INSERT … FOR EACH STATEMENT over the new rows (transition table): every campaign they name is looked
 *   up and locked FOR KEY SHARE; then every subject they name must exist. AFTER UPDATE OF campaign_id,
 *   subject_id, per row and only when one changes (Tocsin never moves a delivery): the same for the new values.
 * - Deleting a campaign or a subject, or changing its id, is refused while a delivery refers to it; truncating
 *   notice_campaigns or affected_subjects is refused while deliveries has rows (truncate them together).
 *
 * Concurrency (READ COMMITTED, what Tocsin uses): subjects are not locked one by one any more; their campaign is
 * the lock point instead. The insert locks its campaigns FOR KEY SHARE before it checks its subjects; deleting a
 * subject first locks the campaigns of its incident FOR UPDATE, which waits for any expansion in flight, and then
 * looks for deliveries with a fresh snapshot. So (a) a delete that starts while an expansion is uncommitted waits
 * for it and then sees its deliveries; (b) an expansion that starts while a delete is uncommitted waits for the
 * campaign lock and then finds the subject gone. A delete outside READ COMMITTED is refused outright (55000), as
 * in 1732400052000: its snapshot could not see deliveries committed after it began.
 */
export class DeliveryReferenceChecks1732400062000 implements MigrationInterface {
  name = 'DeliveryReferenceChecks1732400062000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_campaign_id_fkey, DROP CONSTRAINT deliveries_subject_id_fkey;

      CREATE FUNCTION deliveries_refuse_missing(campaign_ids uuid[], subject_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        missing_campaign uuid;
        missing_subject bigint;
      BEGIN
        SELECT n.campaign_id INTO missing_campaign
        FROM (SELECT DISTINCT unnest(campaign_ids) AS campaign_id) n
        LEFT JOIN LATERAL (SELECT true AS found FROM notice_campaigns c WHERE c.id = n.campaign_id FOR KEY SHARE OF c) l ON true
        WHERE l.found IS NULL
        LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "deliveries" violates foreign key constraint "deliveries_campaign_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (campaign_id)=(%s) is not present in table "notice_campaigns".', missing_campaign),
              TABLE = 'deliveries', CONSTRAINT = 'deliveries_campaign_id_fkey';
        END IF;
        SELECT n.subject_id INTO missing_subject
        FROM unnest(subject_ids) AS n(subject_id)
        WHERE NOT EXISTS (SELECT 1 FROM affected_subjects s WHERE s.id = n.subject_id)
        LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert or update on table "deliveries" violates foreign key constraint "deliveries_subject_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (subject_id)=(%s) is not present in table "affected_subjects".', missing_subject),
              TABLE = 'deliveries', CONSTRAINT = 'deliveries_subject_id_fkey';
        END IF;
      END $$;

      CREATE FUNCTION deliveries_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM deliveries_refuse_missing(
          ARRAY(SELECT DISTINCT campaign_id FROM new_deliveries), ARRAY(SELECT subject_id FROM new_deliveries));
        RETURN NULL;
      END $$;
      CREATE TRIGGER deliveries_inserted AFTER INSERT ON deliveries
        REFERENCING NEW TABLE AS new_deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_inserted();

      CREATE FUNCTION deliveries_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM deliveries_refuse_missing(ARRAY[NEW.campaign_id], ARRAY[NEW.subject_id]);
        RETURN NULL;
      END $$;
      CREATE TRIGGER deliveries_moved AFTER UPDATE OF campaign_id, subject_id ON deliveries
        FOR EACH ROW WHEN (OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR OLD.subject_id IS DISTINCT FROM NEW.subject_id)
        EXECUTE FUNCTION deliveries_moved();

      -- Campaigns and subjects keep their deliveries: no delete, key change or truncate while one refers to them.
      CREATE FUNCTION keep_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          IF EXISTS (SELECT 1 FROM deliveries) THEN
            RAISE EXCEPTION 'cannot truncate table "%" while table "deliveries" refers to it', TG_TABLE_NAME
              USING ERRCODE = 'feature_not_supported', HINT = 'Truncate table "deliveries" at the same time.';
          END IF;
          RETURN NULL;
        END IF;
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'a row of "%" can be deleted, or its id changed, only in a READ COMMITTED transaction', TG_TABLE_NAME
            USING ERRCODE = 'object_not_in_prerequisite_state',
              DETAIL = 'Its deliveries are checked with a fresh snapshot, which only READ COMMITTED gives.';
        END IF;
        IF TG_TABLE_NAME = 'notice_campaigns' THEN
          PERFORM 1 FROM deliveries WHERE campaign_id = OLD.id LIMIT 1 FOR KEY SHARE;
          IF FOUND THEN
            RAISE EXCEPTION 'update or delete on table "notice_campaigns" violates foreign key constraint "deliveries_campaign_id_fkey" on table "deliveries"'
              USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "deliveries".', OLD.id),
                TABLE = 'notice_campaigns', CONSTRAINT = 'deliveries_campaign_id_fkey';
          END IF;
        ELSE
          -- Waits for any expansion in flight for this subject's incident (it holds its campaign FOR KEY SHARE).
          PERFORM 1 FROM notice_campaigns WHERE incident_id = OLD.incident_id FOR UPDATE;
          PERFORM 1 FROM deliveries WHERE subject_id = OLD.id LIMIT 1 FOR KEY SHARE;
          IF FOUND THEN
            RAISE EXCEPTION 'update or delete on table "affected_subjects" violates foreign key constraint "deliveries_subject_id_fkey" on table "deliveries"'
              USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (id)=(%s) is still referenced from table "deliveries".', OLD.id),
                TABLE = 'affected_subjects', CONSTRAINT = 'deliveries_subject_id_fkey';
          END IF;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER notice_campaigns_keep_deliveries_on_delete AFTER DELETE ON notice_campaigns
        FOR EACH ROW EXECUTE FUNCTION keep_deliveries();
      CREATE TRIGGER notice_campaigns_keep_deliveries_on_update AFTER UPDATE OF id ON notice_campaigns
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION keep_deliveries();
      CREATE TRIGGER notice_campaigns_keep_deliveries_on_truncate AFTER TRUNCATE ON notice_campaigns
        FOR EACH STATEMENT EXECUTE FUNCTION keep_deliveries();
      CREATE TRIGGER affected_subjects_keep_deliveries_on_delete AFTER DELETE ON affected_subjects
        FOR EACH ROW EXECUTE FUNCTION keep_deliveries();
      CREATE TRIGGER affected_subjects_keep_deliveries_on_update AFTER UPDATE OF id ON affected_subjects
        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION keep_deliveries();
      CREATE TRIGGER affected_subjects_keep_deliveries_on_truncate AFTER TRUNCATE ON affected_subjects
        FOR EACH STATEMENT EXECUTE FUNCTION keep_deliveries();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER affected_subjects_keep_deliveries_on_truncate ON affected_subjects;
      DROP TRIGGER affected_subjects_keep_deliveries_on_update ON affected_subjects;
      DROP TRIGGER affected_subjects_keep_deliveries_on_delete ON affected_subjects;
      DROP TRIGGER notice_campaigns_keep_deliveries_on_truncate ON notice_campaigns;
      DROP TRIGGER notice_campaigns_keep_deliveries_on_update ON notice_campaigns;
      DROP TRIGGER notice_campaigns_keep_deliveries_on_delete ON notice_campaigns;
      DROP FUNCTION keep_deliveries();
      DROP TRIGGER deliveries_moved ON deliveries;
      DROP FUNCTION deliveries_moved();
      DROP TRIGGER deliveries_inserted ON deliveries;
      DROP FUNCTION deliveries_inserted();
      DROP FUNCTION deliveries_refuse_missing(uuid[], bigint[]);
      ALTER TABLE deliveries
        ADD CONSTRAINT deliveries_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES notice_campaigns(id),
        ADD CONSTRAINT deliveries_subject_id_fkey FOREIGN KEY (subject_id) REFERENCES affected_subjects(id);
    `);
  }
}
