import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An incident's subjects are listed, and a campaign's audience expanded, in the order of their external
 * reference (compared bytewise, "C"), which the unique index on (incident_id, external_ref "C") already serves;
 * the index on (incident_id, id) that served id order goes. Every imported row paid for three index inserts;
 * this one cost 0.74 CPU-s of PostgreSQL per million rows (of 4.7), and the import benchmark went from 3.45x to
 * 2.71x its floor without it (`node dist/bench/import.bench.js --rows 1000000 --repeat 3`, medians).
 *
 * A campaign's expansion cursor becomes the last reference expanded. A campaign caught mid-expansion by this
 * migration starts again from the first reference: the people it already has are skipped by the unique
 * (campaign_id, subject_id) constraint (ON CONFLICT DO NOTHING), so nobody is told twice.
 */
export class SubjectsInReferenceOrder1732400064000 implements MigrationInterface {
  name = 'SubjectsInReferenceOrder1732400064000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE notice_campaigns ADD COLUMN expanded_through_ref text COLLATE "C", DROP COLUMN expanded_through;
      DROP INDEX affected_subjects_incident_keyset;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX affected_subjects_incident_keyset ON affected_subjects (incident_id, id);
      ALTER TABLE notice_campaigns ADD COLUMN expanded_through bigint NOT NULL DEFAULT 0, DROP COLUMN expanded_through_ref;
    `);
  }
}
