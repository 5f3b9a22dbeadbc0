/**
 * Regulator-report benchmark: `npm run bench:reports [-- --subjects 1000000]`.
 *
 * One incident with N affected subjects (generated set-wise in SQL: DE, FR, GB, CN, US-CA, US-NY, US-TX), a
 * high-risk assessment, remediation, third parties and a completed notice campaign with one delivery per
 * subject; an organisation in scope of most regimes (NIS2, SEC, CAC, HIPAA). Then, for every regulator
 * obligation: the time to build its report as the scheduler and the api do it (derive the obligations with
 * the subject counts, read the sources and campaign figures, build and store the draft), and the time to
 * render its JSON, CSV and PDF. Also: one build with the campaign still running (its figures counted live
 * from the deliveries). Goal: every report built in under 2 s.
 *
 * Without BENCH_DATABASE_URL it starts an embedded PostgreSQL in a temporary directory and removes it after.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AuditTrail, createDataSource, Database, ensureDatabase, migrate, startEmbeddedDatabase, withDatabase, type EmbeddedDatabase } from '#database';
import { assessSeverity, reportCsv, type SeverityInput, SYSTEM_ACTOR } from '#domain';
import { renderReportPdf } from '#documents';
import type { IncidentRow } from '#records';
import { ClockFactsRepository } from '#records';
import { ObligationEngine } from '#records';
import { ObligationRepository } from '#records';
import { OrganisationRepository } from '#records';
import { REPORTED_PARTIES, ReportEngine } from '#records';
import { ReportRepository } from '#records';
import { ReportSourcesRepository } from '#records';
import { campaignSummary } from '#records';

const { values } = parseArgs({ options: { subjects: { type: 'string', default: '1000000' } } });
const SUBJECTS = Number(values.subjects);
if (!Number.isInteger(SUBJECTS) || SUBJECTS < 1) {
  console.error('usage: npm run bench:reports -- --subjects N');
  process.exit(2);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

const AWARE = new Date(Date.now() - 2 * 86_400_000);

async function seed(db: Database): Promise<{ incident: IncidentRow; campaignId: string }> {
  const author = randomUUID();
  await db.rows(
    `INSERT INTO organisation_profile (id, name, time_zone, holidays, cn_operator_type, listed_company, hipaa_covered_entity, nis2_entity, contact_point, reporter_name, reporter_email)
     VALUES (true, 'Bench Health AG', 'Europe/Berlin', '{2026-12-25,2026-12-26}', 'other', true, true, 'important', 'DPO, dpo@example.org', 'R. Porter', 'report@example.org')`,
  );
  const incident = (await db.one<IncidentRow>(
    `INSERT INTO incidents (ref, title, description, aware_at, detected_at, occurred_from, occurred_to, created_by)
     VALUES ('INC-2026-0001', 'Patient portal database exfiltrated', 'An attacker used a stolen administrator password to export the patient database.', $1, $1, $2, $1, $3) RETURNING *`,
    [AWARE, new Date(AWARE.getTime() - 86_400_000), author],
  ))!;
  await db.rows(`INSERT INTO incident_clock_facts (incident_id, discovered_at, materiality_determined_at, cn_loss_cny, updated_by) VALUES ($1, $2, $2, 6000000, $3)`, [incident.id, AWARE, author]);

  // Subjects, set-wise: 40 % DE, 15 % FR, 5 % GB, 5 % CN, 15 % US-CA, 10 % US-TX, 10 % US-NY.
  const [, subjectsMs] = await timed(() => db.rows(
    `INSERT INTO affected_subjects (incident_id, external_ref, email, country, region, language, data_categories)
     SELECT $1, 'S' || g, 'p' || g || '@example.org',
            (ARRAY['DE','DE','DE','DE','DE','DE','DE','DE','FR','FR','FR','GB','CN','US','US','US','US','US','US','US'])[1 + g % 20],
            (ARRAY[NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'US-CA','US-CA','US-CA','US-TX','US-TX','US-NY','US-NY'])[1 + g % 20],
            'en', '{contact,health}'
     FROM generate_series(1, $2::int) AS g`,
    [incident.id, SUBJECTS],
  ));
  console.log(`  ${SUBJECTS.toLocaleString('en')} subjects inserted set-wise in ${seconds(subjectsMs)}`);

  const input = {
    dataCategories: ['contact', 'health'], approxSubjects: SUBJECTS, approxRecords: SUBJECTS * 3, jurisdictions: ['DE', 'FR', 'GB', 'CN', 'US-CA', 'US-TX', 'US-NY'],
    confidentiality: 'unknown_recipients', integrity: 'none', availability: 'none', maliciousIntent: true, easeOfIdentification: 'maximum', dataUnintelligible: false,
    backupsAvailable: true, vulnerableSubjects: true, likelyConsequences: 'Patients may face discrimination, fraud and distress.',
  };
  const result = assessSeverity(input as unknown as SeverityInput);
  await db.rows(
    `INSERT INTO assessments (incident_id, version, input, severity_score, severity_band, risk_level, recommendation, result, created_by) VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8)`,
    [incident.id, JSON.stringify(input), result.score, result.band, result.riskLevel, result.recommendation, JSON.stringify(result), author],
  );
  await db.rows(
    `INSERT INTO remediation_actions (incident_id, kind, title, status, done_at) VALUES
       ($1, 'containment', 'Revoked the stolen administrator credentials', 'done', now()),
       ($1, 'eradication', 'Removed the attacker''s persistence', 'done', now()),
       ($1, 'support', 'Free identity monitoring for 12 months', 'in_progress', NULL),
       ($1, 'prevention', 'Hardware keys for every administrator', 'planned', NULL)`,
    [incident.id],
  );
  await db.rows(`INSERT INTO third_parties (incident_id, name, role, data_categories) VALUES ($1, 'Hosting GmbH', 'processor', '{contact,health}')`, [incident.id]);

  const texts = { subject: 'Security incident', whatHappened: 'Your record was exported.', measuresTaken: 'We revoked access.', selfProtection: 'Watch for phishing.', remedialMeasures: 'Identity monitoring.', contactPoint: 'dpo@example.org' };
  const hash = randomBytes(32).toString('hex');
  const campaign = (await db.one<{ id: string }>(
    `INSERT INTO notice_campaigns (incident_id, name, status, audience, channel_chain, default_language, content, content_hash, author_id, approved_by, approved_at, approved_hash, started_at, expanded_at)
     VALUES ($1, 'First notice', 'running', '{"kind":"all"}', '{email}', 'en', $2, $3, $4, $5, now(), $3, now(), now()) RETURNING id`,
    [incident.id, JSON.stringify({ en: texts }), hash, author, randomUUID()],
  ))!;
  const [, deliveriesMs] = await timed(() => db.rows(
    `INSERT INTO deliveries (campaign_id, subject_id, state, step, channel, notice_token, tried, sent_at)
     SELECT $1, s.id, CASE WHEN s.id % 50 = 0 THEN 'unreachable' WHEN s.id % 3 = 0 THEN 'delivered' ELSE 'sent' END, 1, 'email',
            md5(s.id::text || random()::text) || md5(random()::text),
            CASE WHEN s.id % 50 = 0 THEN jsonb_build_array(jsonb_build_object('channel', 'email', 'reason', 'bounced', 'at', now())) ELSE '[]'::jsonb END,
            CASE WHEN s.id % 50 = 0 THEN NULL ELSE $3::timestamptz + (s.id % 7200) * interval '1 second' END
     FROM affected_subjects s WHERE s.incident_id = $2`,
    [campaign.id, incident.id, new Date(AWARE.getTime() + 86_400_000)],
  ));
  console.log(`  ${SUBJECTS.toLocaleString('en')} deliveries inserted set-wise in ${seconds(deliveriesMs)}`);
  await db.rows('ANALYZE');
  return { incident, campaignId: campaign.id };
}

const work = await mkdtemp(path.join(tmpdir(), 'tocsin-bench-reports-'));
let embedded: EmbeddedDatabase | undefined;
try {
  let server = process.env.BENCH_DATABASE_URL;
  if (!server) {
    embedded = await startEmbeddedDatabase({ dir: work });
    server = embedded.url;
  }
  const databaseUrl = withDatabase(server, `tocsin_bench_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(databaseUrl);
  const dataSource = createDataSource(databaseUrl, 4);
  await dataSource.initialize();
  await migrate(dataSource);
  const db = new Database(dataSource);
  const audit = new AuditTrail();
  const obligationRepo = new ObligationRepository();
  const obligations = new ObligationEngine(obligationRepo, new OrganisationRepository(db), new ClockFactsRepository(db), audit);
  const reportRepo = new ReportRepository();
  const reports = new ReportEngine(obligations, obligationRepo, new OrganisationRepository(db), new ReportSourcesRepository(), reportRepo, audit);

  console.log('seeding');
  const { incident, campaignId } = await seed(db);

  // Campaign figures counted live (a running campaign), then kept as the completed campaign's summary.
  const [summary, summaryMs] = await timed(() => campaignSummary(db, campaignId));
  await db.rows(`UPDATE notice_campaigns SET status = 'completed', finished_at = now(), summary = $2 WHERE id = $1`, [campaignId, JSON.stringify(summary)]);
  console.log(`  campaign figures (campaignSummary over ${summary.total.toLocaleString('en')} deliveries): ${seconds(summaryMs)}`);

  const now = new Date();
  const [rec, deriveMs] = await timed(() => db.transaction((tx) => obligations.recompute(tx, incident, now, SYSTEM_ACTOR)));
  const targets = rec.rows.filter((r) => r.status === 'due' && REPORTED_PARTIES.has(r.party) && r.phase_kind !== 'periodic');
  console.log(`  obligations derived (subject counts over ${SUBJECTS.toLocaleString('en')} subjects): ${rec.rows.length} rows in ${seconds(deriveMs)}; ${targets.length} regulator reports to build`);
  console.log('');

  const builds: number[] = [];
  console.log(`${'report'.padEnd(34)} ${'fields'.padStart(6)} ${'missing'.padStart(7)} ${'build'.padStart(9)} ${'json'.padStart(8)} ${'csv'.padStart(8)} ${'pdf'.padStart(8)}`);
  for (const target of targets) {
    // As the scheduler does it: derive (subject counts included), read the sources and figures, build, store.
    const [report, buildMs] = await timed(() => db.transaction(async (tx) => {
      const fresh = await obligations.recompute(tx, incident, now, SYSTEM_ACTOR);
      const row = fresh.rows.find((r) => r.id === target.id)!;
      return (await reports.ensureDraft(tx, incident, row, fresh, now, SYSTEM_ACTOR)).report;
    }));
    const doc = report.document;
    const [, jsonMs] = await timed(async () => JSON.stringify(doc));
    const [, csvMs] = await timed(async () => reportCsv(doc));
    const [, pdfMs] = await timed(() => renderReportPdf(doc));
    builds.push(buildMs);
    console.log(`${target.key.padEnd(34)} ${String(doc.fields.length).padStart(6)} ${String(doc.missingFields.length).padStart(7)} ${`${buildMs.toFixed(0)} ms`.padStart(9)} ${`${jsonMs.toFixed(1)} ms`.padStart(8)} ${`${csvMs.toFixed(1)} ms`.padStart(8)} ${`${pdfMs.toFixed(0)} ms`.padStart(8)}`);
  }

  // Worst case: a report built while the campaign is still running (its figures counted from the deliveries).
  await db.rows(`UPDATE notice_campaigns SET status = 'running', finished_at = NULL, summary = NULL WHERE id = $1`, [campaignId]);
  const gdpr = targets.find((t) => t.key === 'gdpr_sa:initial')!;
  const [, liveMs] = await timed(() => db.transaction(async (tx) => {
    const fresh = await obligations.recompute(tx, incident, now, SYSTEM_ACTOR);
    const draft = (await reportRepo.latestOfSeries(tx, `${incident.id}:${gdpr.key}`))!;
    return reports.refresh(tx, draft, now, SYSTEM_ACTOR, { incident, rec: fresh });
  }));

  const max = Math.max(...builds);
  console.log('');
  console.log(`regulator reports, one incident with ${SUBJECTS.toLocaleString('en')} subjects and ${summary.total.toLocaleString('en')} deliveries`);
  console.log(`  build per report (derive + sources + figures + build + store): median ${median(builds).toFixed(0)} ms, max ${max.toFixed(0)} ms over ${builds.length} reports (goal < 2000 ms) ${max < 2000 ? 'OK' : 'OVER GOAL'}`);
  console.log(`  with the campaign still running (figures counted live): ${liveMs.toFixed(0)} ms`);
  console.log(`  baseline: campaign figures alone ${summaryMs.toFixed(0)} ms; obligations derivation alone ${deriveMs.toFixed(0)} ms`);
  await dataSource.destroy();
} finally {
  await embedded?.stop();
  await rm(work, { recursive: true, force: true });
}
