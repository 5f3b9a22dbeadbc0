import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The notice links' lookup index moves out of `deliveries` into `notice_links (token → delivery)`.
 *
 * A delivery row is written three times (queued by the expansion, leased by a claim, settled by its outcome),
 * and every one of those writes changes a column that some index of `deliveries` covers, so none of them can
 * be a heap-only update: each write also inserts into every full index of the table. The unique index on the
 * 64-character random token was the widest of them and, being random, the least cache-friendly. The token is
 * written once, so its index now lives in a table written once; `deliveries.notice_token` stays (the notifier
 * reads it with the claim, without a join).
 *
 * The link's reference to its delivery is kept by statement-level triggers, not a foreign key: a foreign key
 * checks each inserted link on its own and locks its delivery FOR KEY SHARE, which rewrites the freshly
 * inserted delivery row once more (measured: +1.3 s of the expansion of 100,000 people). Equivalent here:
 * links are inserted only by the expansion, in the same statement as their deliveries (an insert naming a
 * missing delivery fails with 23503 as before); deleting deliveries deletes their links and truncating
 * deliveries truncates the links (Tocsin never does either: deliveries are the campaign's evidence).
 * Measured on 100,000 people (one loop, nothing sent): claim 3.0 s → 2.3 s, record 3.2 s → 2.0 s.
 */
export class NoticeLinks1732400060000 implements MigrationInterface {
  name = 'NoticeLinks1732400060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notice_links (
        token text PRIMARY KEY,
        delivery_id bigint NOT NULL
      );
      INSERT INTO notice_links (token, delivery_id) SELECT notice_token, id FROM deliveries;
      ALTER TABLE deliveries DROP CONSTRAINT deliveries_notice_token_key;

      CREATE FUNCTION notice_links_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        missing bigint;
      BEGIN
        SELECT n.delivery_id INTO missing FROM new_links n WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.id = n.delivery_id) LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'insert on table "notice_links" violates foreign key constraint "notice_links_delivery_id_fkey"'
            USING ERRCODE = 'foreign_key_violation', DETAIL = format('Key (delivery_id)=(%s) is not present in table "deliveries".', missing),
              TABLE = 'notice_links', CONSTRAINT = 'notice_links_delivery_id_fkey';
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER notice_links_inserted AFTER INSERT ON notice_links
        REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION notice_links_inserted();

      CREATE FUNCTION deliveries_drop_links() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          TRUNCATE notice_links;
        ELSE
          DELETE FROM notice_links l USING old_deliveries o WHERE l.delivery_id = o.id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER deliveries_drop_links_on_delete AFTER DELETE ON deliveries
        REFERENCING OLD TABLE AS old_deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_drop_links();
      CREATE TRIGGER deliveries_drop_links_on_truncate AFTER TRUNCATE ON deliveries
        FOR EACH STATEMENT EXECUTE FUNCTION deliveries_drop_links();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER deliveries_drop_links_on_truncate ON deliveries;
      DROP TRIGGER deliveries_drop_links_on_delete ON deliveries;
      DROP FUNCTION deliveries_drop_links();
      DROP TRIGGER notice_links_inserted ON notice_links;
      DROP FUNCTION notice_links_inserted();
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_notice_token_key UNIQUE (notice_token);
      DROP TABLE notice_links;
    `);
  }
}
