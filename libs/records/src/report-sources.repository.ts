import { Injectable } from '@nestjs/common';
import type { Sql } from '#database';
import type { NoticeContent, SourceCampaign, SourceRemediation, SourceThirdParty } from '#domain';
import { campaignSummary, type CampaignSummary } from './campaign-summary.js';

interface CampaignRow {
  id: string;
  name: string;
  status: string;
  audience: { kind: 'all' } | { kind: 'filter'; jurisdictions?: string[] };
  default_language: string;
  content: NoticeContent;
  summary: CampaignSummary | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The records a report is built from, beyond what the obligation derivation already read. */
@Injectable()
export class ReportSourcesRepository {
  async remediation(sql: Sql, incidentId: string): Promise<SourceRemediation[]> {
    const rows = await sql.rows<{ kind: string; title: string; status: string; due_at: Date | null; done_at: Date | null }>(
      'SELECT kind, title, status, due_at, done_at FROM remediation_actions WHERE incident_id = $1 ORDER BY created_at, id LIMIT 500',
      [incidentId],
    );
    return rows.map((r) => ({ kind: r.kind, title: r.title, status: r.status, dueAt: iso(r.due_at), doneAt: iso(r.done_at) }));
  }

  /** Names, roles and what they received; never their contact details. */
  async thirdParties(sql: Sql, incidentId: string): Promise<SourceThirdParty[]> {
    const rows = await sql.rows<{ name: string; role: string; data_categories: string[]; notified_at: Date | null }>(
      'SELECT name, role, data_categories, notified_at FROM third_parties WHERE incident_id = $1 ORDER BY created_at, id LIMIT 500',
      [incidentId],
    );
    return rows.map((r) => ({ name: r.name, role: r.role, dataCategories: r.data_categories, notifiedAt: iso(r.notified_at) }));
  }

  /**
   * Campaigns that went out, with the figures regulators ask for: a completed campaign's kept summary, a running
   * or cancelled one's figures counted now (set-wise, `campaignSummary`).
   */
  async campaigns(sql: Sql, incidentId: string): Promise<SourceCampaign[]> {
    const rows = await sql.rows<CampaignRow>(
      `SELECT id, name, status, audience, default_language, content, summary FROM notice_campaigns
       WHERE incident_id = $1 AND status IN ('running', 'completed', 'cancelled') ORDER BY created_at, id`,
      [incidentId],
    );
    const out: SourceCampaign[] = [];
    for (const c of rows) {
      const summary = c.status === 'completed' && c.summary ? c.summary : await campaignSummary(sql, c.id);
      const texts = c.content[c.default_language];
      const jurisdictions = c.audience.kind === 'filter' && c.audience.jurisdictions?.length ? c.audience.jurisdictions : null;
      out.push({
        id: c.id,
        name: c.name,
        status: c.status,
        jurisdictions,
        total: summary.total ?? 0,
        notifiedByChannel: summary.notifiedByChannel ?? {},
        unreachable: summary.byState?.unreachable ?? 0,
        unreachableReasons: summary.unreachableReasons ?? {},
        firstSentAt: summary.firstSentAt ?? null,
        lastSentAt: summary.lastSentAt ?? null,
        notice: texts
          ? { language: c.default_language, subject: texts.subject, whatHappened: texts.whatHappened, measuresTaken: texts.measuresTaken, selfProtection: texts.selfProtection, remedialMeasures: texts.remedialMeasures, contactPoint: texts.contactPoint }
          : null,
      });
    }
    return out;
  }

  /** People of one jurisdiction (region or country code) a notice reached, across the given campaigns. */
  async notifiedIn(sql: Sql, incidentId: string, campaignIds: readonly string[], code: string): Promise<number> {
    if (campaignIds.length === 0) return 0;
    const row = await sql.one<{ n: number }>(
      `SELECT count(DISTINCT s.id)::int AS n
       FROM affected_subjects s JOIN deliveries d ON d.subject_id = s.id AND d.campaign_id = ANY($2::uuid[])
       WHERE s.incident_id = $1 AND (s.region = $3 OR (s.region IS NULL AND s.country = $3)) AND d.state IN ('sent', 'delivered')`,
      [incidentId, campaignIds, code],
    );
    return row?.n ?? 0;
  }
}
