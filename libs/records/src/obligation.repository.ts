import { Injectable } from '@nestjs/common';
import type { Sql } from '#database';
import type { Obligation, ObligationStatus, RegimeId, RiskLevel } from '#domain';

export type StoredStatus = ObligationStatus | 'withdrawn';

export interface ObligationRow {
  id: string;
  incident_id: string;
  key: string;
  regime: RegimeId;
  notification_id: string;
  phase: string;
  phase_kind: string;
  jurisdiction: string | null;
  party: string;
  status: StoredStatus;
  due_at: Date | null;
  qualifier: string | null;
  submitted_at: Date | null;
  unconfirmed: string[];
  derived: Obligation;
  catalog_version: string;
  changed_at: Date;
  created_at: Date;
}

export interface SubmissionRow {
  id: string;
  incident_id: string;
  obligation_id: string;
  regime: RegimeId;
  notification_id: string;
  phase: string;
  jurisdiction: string | null;
  submitted_at: Date;
  method: string;
  reference: string | null;
  notes: string;
  report_id: string | null;
  recorded_by: string;
  created_at: Date;
}

export interface LatestAssessmentRow {
  version: number;
  risk_level: RiskLevel;
  input: { dataCategories: string[]; approxSubjects?: number; approxRecords?: number; dataUnintelligible?: boolean; jurisdictions?: string[]; likelyConsequences?: string; maliciousIntent?: boolean };
  severity_band: string;
  severity_score: string;
  created_at: Date;
}

export interface CampaignNoticeRow {
  id: string;
  audience: { kind: 'all' } | { kind: 'filter'; jurisdictions?: string[] };
  first_sent_at: Date | null;
}

/** Where an obligation key comes from: `<notification>:<phase>[:<jurisdiction>]` (notification ids are unique across the catalog). */
export function obligationRowKey(o: Pick<Obligation, 'obligationId' | 'phase' | 'jurisdiction'>): string {
  return `${o.obligationId}:${o.phase}${o.jurisdiction ? `:${o.jurisdiction}` : ''}`;
}

/** The SQL of the legal clocks: the facts they read, the derived rows, the submissions. Every method takes the caller's transaction. */
@Injectable()
export class ObligationRepository {
  /** Serialises derivations of one incident (api reads and every scheduler process). */
  async lockIncident(tx: Sql, incidentId: string): Promise<void> {
    await tx.rows('SELECT pg_advisory_xact_lock(7201050, hashtext($1))', [incidentId]);
  }

  latestAssessment(sql: Sql, incidentId: string): Promise<LatestAssessmentRow | undefined> {
    return sql.one<LatestAssessmentRow>(
      'SELECT version, risk_level, input, severity_band, severity_score, created_at FROM assessments WHERE incident_id = $1 ORDER BY version DESC LIMIT 1',
      [incidentId],
    );
  }

  /** Affected people per jurisdiction, set-wise: each counted once under the most specific code known (region, else country). */
  subjectCounts(sql: Sql, incidentId: string): Promise<{ code: string | null; n: number }[]> {
    return sql.rows<{ code: string | null; n: number }>(
      `SELECT coalesce(region, country) AS code, count(*)::int AS n FROM affected_subjects WHERE incident_id = $1 GROUP BY 1`,
      [incidentId],
    );
  }

  submissions(sql: Sql, incidentId: string): Promise<SubmissionRow[]> {
    return sql.rows<SubmissionRow>('SELECT * FROM obligation_submissions WHERE incident_id = $1 ORDER BY submitted_at, id', [incidentId]);
  }

  /**
   * Campaigns that went out, with the first message each sent: a completed campaign's kept summary, else the
   * earliest `sent_at` of its deliveries.
   */
  campaignNotices(sql: Sql, incidentId: string): Promise<CampaignNoticeRow[]> {
    return sql.rows<CampaignNoticeRow>(
      `SELECT c.id, c.audience,
              coalesce((c.summary->>'firstSentAt')::timestamptz, (SELECT min(d.sent_at) FROM deliveries d WHERE d.campaign_id = c.id)) AS first_sent_at
       FROM notice_campaigns c
       WHERE c.incident_id = $1 AND c.status IN ('running', 'completed', 'cancelled')
       ORDER BY c.created_at, c.id`,
      [incidentId],
    );
  }

  list(sql: Sql, incidentId: string): Promise<ObligationRow[]> {
    return sql.rows<ObligationRow>('SELECT * FROM obligations WHERE incident_id = $1 ORDER BY created_at, key', [incidentId]);
  }

  find(sql: Sql, incidentId: string, key: string): Promise<ObligationRow | undefined> {
    return sql.one<ObligationRow>('SELECT * FROM obligations WHERE incident_id = $1 AND key = $2', [incidentId, key]);
  }

  byId(sql: Sql, id: string): Promise<ObligationRow | undefined> {
    return sql.one<ObligationRow>('SELECT * FROM obligations WHERE id = $1', [id]);
  }

  /**
   * Writes the derived rows set-wise: new keys are inserted, changed ones updated, unchanged ones left alone.
   * Returns the rows written.
   */
  upsert(tx: Sql, incidentId: string, catalogVersion: string, rows: readonly Obligation[]): Promise<ObligationRow[]> {
    if (rows.length === 0) return Promise.resolve([]);
    const payload = rows.map((o) => ({
      key: obligationRowKey(o),
      regime: o.regime,
      notification_id: o.obligationId,
      phase: o.phase,
      phase_kind: o.phaseKind,
      jurisdiction: o.jurisdiction,
      party: o.party,
      status: o.status,
      due_at: o.dueAt,
      qualifier: o.qualifier,
      submitted_at: o.submittedAt,
      unconfirmed: o.unconfirmed,
      derived: o,
    }));
    return tx.rows<ObligationRow>(
      `INSERT INTO obligations (incident_id, catalog_version, key, regime, notification_id, phase, phase_kind, jurisdiction, party, status,
                                due_at, qualifier, submitted_at, unconfirmed, derived)
       SELECT $1, $2, r.key, r.regime, r.notification_id, r.phase, r.phase_kind, r.jurisdiction, r.party, r.status,
              r.due_at, r.qualifier, r.submitted_at, coalesce(r.unconfirmed, '{}'), r.derived
       FROM jsonb_to_recordset($3::jsonb) AS r(key text, regime text, notification_id text, phase text, phase_kind text, jurisdiction text,
            party text, status text, due_at timestamptz, qualifier text, submitted_at timestamptz, unconfirmed text[], derived jsonb)
       ON CONFLICT (incident_id, key) DO UPDATE SET
         regime = EXCLUDED.regime, notification_id = EXCLUDED.notification_id, phase = EXCLUDED.phase, phase_kind = EXCLUDED.phase_kind,
         jurisdiction = EXCLUDED.jurisdiction, party = EXCLUDED.party, status = EXCLUDED.status, due_at = EXCLUDED.due_at,
         qualifier = EXCLUDED.qualifier, submitted_at = EXCLUDED.submitted_at, unconfirmed = EXCLUDED.unconfirmed,
         derived = EXCLUDED.derived, catalog_version = EXCLUDED.catalog_version, changed_at = now()
       WHERE obligations.derived IS DISTINCT FROM EXCLUDED.derived OR obligations.status IS DISTINCT FROM EXCLUDED.status
          OR obligations.catalog_version IS DISTINCT FROM EXCLUDED.catalog_version
       RETURNING *`,
      [incidentId, catalogVersion, JSON.stringify(payload)],
    );
  }

  /** Rows whose key the derivation no longer gives: kept, marked withdrawn. */
  withdraw(tx: Sql, incidentId: string, keepKeys: readonly string[]): Promise<ObligationRow[]> {
    return tx.rows<ObligationRow>(
      `UPDATE obligations SET status = 'withdrawn', changed_at = now()
       WHERE incident_id = $1 AND status <> 'withdrawn' AND NOT (key = ANY($2::text[])) RETURNING *`,
      [incidentId, keepKeys],
    );
  }

  insertSubmission(tx: Sql, s: Omit<SubmissionRow, 'id' | 'created_at'>): Promise<SubmissionRow | undefined> {
    return tx.one<SubmissionRow>(
      `INSERT INTO obligation_submissions (incident_id, obligation_id, regime, notification_id, phase, jurisdiction, submitted_at, method, reference, notes, report_id, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [s.incident_id, s.obligation_id, s.regime, s.notification_id, s.phase, s.jurisdiction, s.submitted_at, s.method, s.reference, s.notes, s.report_id, s.recorded_by],
    );
  }
}
