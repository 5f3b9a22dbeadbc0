import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keyset listing of an incident's affected subjects, and of an import's rejections. */
export class SubjectImportIndexes1732400002000 implements MigrationInterface {
  name = 'SubjectImportIndexes1732400002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX affected_subjects_incident_keyset ON affected_subjects (incident_id, id);
      CREATE INDEX subject_import_rejections_keyset ON subject_import_rejections (import_id, line, field);
      DROP INDEX subject_import_rejections_import;
      CREATE INDEX subject_imports_keyset ON subject_imports (incident_id, started_at DESC, id DESC);
      DROP INDEX subject_imports_incident;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX subject_imports_incident ON subject_imports (incident_id, started_at DESC);
      DROP INDEX subject_imports_keyset;
      CREATE INDEX subject_import_rejections_import ON subject_import_rejections (import_id, line);
      DROP INDEX subject_import_rejections_keyset;
      DROP INDEX affected_subjects_incident_keyset;
    `);
  }
}
