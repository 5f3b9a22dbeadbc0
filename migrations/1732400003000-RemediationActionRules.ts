import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules the regulator relies on, held by the database as well as the api:
 * a remediation action has a done time exactly when it is done, and a measure that a notice must
 * mention has a wording that is not blank.
 */
export class RemediationActionRules1732400003000 implements MigrationInterface {
  name = 'RemediationActionRules1732400003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE remediation_actions
        ADD CONSTRAINT remediation_actions_done_at_iff_done CHECK ((status = 'done') = (done_at IS NOT NULL)),
        ADD CONSTRAINT remediation_actions_public_wording_not_blank
          CHECK (NOT include_in_notice OR btrim(public_wording) <> '');
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE remediation_actions
        DROP CONSTRAINT remediation_actions_public_wording_not_blank,
        DROP CONSTRAINT remediation_actions_done_at_iff_done;
    `);
  }
}
