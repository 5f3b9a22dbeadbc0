import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `next_reachable_step` as one CASE expression, which PostgreSQL inlines into the calling statement, instead of a
 * query over generate_subscripts, which it runs as a separate function call per subject. Same answers: a chain
 * has at most four steps (notice_channel_chain_valid: the four channels, none repeated) and an index past its
 * end reads NULL, which no channel matches. Measured on 100,000 subjects (the expansion's call for each of
 * them): 821 ms → 20 ms, and identical results for every subject, chain and starting step tried.
 */
export class InlinedReachability1732400061000 implements MigrationInterface {
  name = 'InlinedReachability1732400061000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION next_reachable_step(chain text[], after_step int, s affected_subjects) RETURNS int
        LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN after_step < 1 AND subject_reachable(chain[1], s) THEN 1
          WHEN after_step < 2 AND subject_reachable(chain[2], s) THEN 2
          WHEN after_step < 3 AND subject_reachable(chain[3], s) THEN 3
          WHEN after_step < 4 AND subject_reachable(chain[4], s) THEN 4
        END
      $$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION next_reachable_step(chain text[], after_step int, s affected_subjects) RETURNS int
        LANGUAGE sql STABLE AS $$
        SELECT min(i) FROM generate_subscripts(chain, 1) AS i WHERE i > after_step AND subject_reachable(chain[i], s)
      $$;
    `);
  }
}
