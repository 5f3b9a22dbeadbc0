import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql, type Tx } from '#database';
import {
  type Actor, type CampaignDraft, campaignContentHash, isCampaignCancellable, isCampaignEditable, type NoticeIssue, validateCampaignDraft,
} from '#domain';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { ApproveCampaignDto, CancelCampaignDto, CreateCampaignDto, ListCampaignsQuery, UpdateCampaignDto } from './campaign.dto.js';
import { type CampaignChanges, type CampaignFields, CampaignRepository, type CampaignRow } from './campaign.repository.js';
import { campaignView, type CampaignView } from './campaign.view.js';
import { NOTICE_SETTINGS, type NoticeSettings } from './notice-settings.js';

const MAX_NAME = 200;

function nameIssues(name: unknown): NoticeIssue[] {
  if (typeof name !== 'string') return [{ field: 'name', reason: 'must be a string' }];
  if (name.trim() === '') return [{ field: 'name', reason: 'must not be blank' }];
  if (name.length > MAX_NAME) return [{ field: 'name', reason: `must be at most ${MAX_NAME} characters` }];
  return [];
}

function sameFields(a: CampaignFields, b: CampaignFields): boolean {
  return a.name === b.name && a.content_hash === b.content_hash && a.include_remediation === b.include_remediation;
}

@Injectable()
export class CampaignService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(CampaignRepository) private readonly campaigns: CampaignRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
  ) {}

  /** The draft, or a 400 naming every problem (each missing element of each language, each bad field). */
  private validate(input: { name: unknown; audience: unknown; channelChain: unknown; defaultLanguage: unknown; content: unknown; substitutePolicy?: unknown }): { name: string; draft: CampaignDraft } {
    const issues = nameIssues(input.name);
    const result = validateCampaignDraft(input, { maxSmsSegments: this.settings.maxSmsSegments, noticeUrlLength: this.settings.publicBaseUrl.length + 48 });
    if (!result.ok) issues.push(...result.issues);
    if (issues.length || !result.ok) throw Problem.validation(issues);
    return { name: (input.name as string).trim(), draft: result.value };
  }

  /** The stored fields of a draft, with the remediation snapshot (when asked for) and the content hash. */
  private async fields(tx: Sql, incidentId: string, name: string, draft: CampaignDraft, includeRemediation: boolean): Promise<CampaignFields> {
    const remediation = includeRemediation ? await this.campaigns.remediationBullets(tx, incidentId) : null;
    return {
      name,
      audience: draft.audience,
      channel_chain: draft.channelChain,
      default_language: draft.defaultLanguage,
      content: draft.content,
      include_remediation: includeRemediation,
      remediation,
      substitute_policy: draft.substitutePolicy,
      content_hash: campaignContentHash({ ...draft, remediation }),
    };
  }

  async create(actor: Actor, incidentKey: string, dto: CreateCampaignDto): Promise<CampaignView> {
    const { name, draft } = this.validate(dto);
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const fields = await this.fields(tx, incident.id, name, draft, dto.includeRemediation ?? false);
      const row = (await this.campaigns.insert(tx, incident.id, actor.id, fields))!;
      await this.audit.record(tx, actor, { action: 'campaign.created', entityType: 'notice_campaign', entityId: row.id, incidentId: incident.id, after: row });
      return campaignView(row);
    });
  }

  async get(incidentKey: string, id: string): Promise<CampaignView> {
    const incident = await this.incidents.require(this.db, incidentKey);
    return campaignView(await this.require(this.db, incident.id, id));
  }

  async list(incidentKey: string, query: ListCampaignsQuery): Promise<Page<CampaignView>> {
    const incident = await this.incidents.require(this.db, incidentKey);
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.campaigns.list({ incidentId: incident.id, status: query.status, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map(campaignView), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  /**
   * Edits a draft or an approved campaign. An approved one goes back to draft and loses its approval: what
   * was approved is no longer what would be sent. An edit that changes nothing writes nothing.
   */
  async update(actor: Actor, incidentKey: string, id: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      this.checkVersion(before, dto.version);
      if (!isCampaignEditable(before.status)) {
        throw Problem.conflict('campaign-not-editable', 'This campaign can no longer be edited',
          `A ${before.status} campaign cannot be edited; only a draft or an approved campaign can (create a new campaign instead).`,
          { currentStatus: before.status });
      }
      const given = <T>(value: T | undefined, current: unknown) => (value === undefined ? current : value);
      const { name, draft } = this.validate({
        name: given(dto.name, before.name),
        audience: given(dto.audience, before.audience),
        channelChain: given(dto.channelChain, before.channel_chain),
        defaultLanguage: given(dto.defaultLanguage, before.default_language),
        content: given(dto.content, before.content),
        substitutePolicy: given(dto.substitutePolicy, before.substitute_policy),
      });
      const fields = await this.fields(tx, incident.id, name, draft, dto.includeRemediation ?? before.include_remediation);
      if (sameFields(before, fields)) return campaignView(before);

      const wasApproved = before.status === 'approved';
      const changes: CampaignChanges = { ...fields };
      if (wasApproved) Object.assign(changes, { status: 'draft', approved_by: null, approved_at: null, approved_hash: null });
      const after = (await this.campaigns.update(tx, before.id, dto.version, changes))!;
      await this.audit.record(tx, actor, { action: 'campaign.updated', entityType: 'notice_campaign', entityId: after.id, incidentId: incident.id, before, after });
      if (wasApproved) {
        await this.audit.record(tx, actor, {
          action: 'campaign.approval_cleared', entityType: 'notice_campaign', entityId: after.id, incidentId: incident.id,
          before: { status: before.status, approvedBy: before.approved_by, approvedAt: before.approved_at, approvedHash: before.approved_hash },
          after: { status: after.status, reason: 'edited after approval' },
        });
      }
      return campaignView(after);
    });
  }

  /**
   * Approves a draft: by an approver who is not its author, for exactly the content they reviewed (the
   * version and content hash they send must be the current ones).
   */
  async approve(actor: Actor, incidentKey: string, id: string, dto: ApproveCampaignDto): Promise<CampaignView> {
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      if (before.author_id === actor.id) {
        throw new Problem(403, 'author-cannot-approve', 'The author cannot approve their own campaign',
          'You wrote this campaign; another approver must approve it (four-eyes rule).');
      }
      this.checkVersion(before, dto.version);
      if (before.status !== 'draft') {
        throw Problem.conflict('campaign-not-draft', 'Only a draft can be approved',
          `The campaign is ${before.status}; only a draft can be approved.`, { currentStatus: before.status });
      }
      if (dto.contentHash !== before.content_hash) {
        throw Problem.conflict('content-hash-mismatch', 'The content changed since you reviewed it',
          'The contentHash you sent is not the campaign\'s current one: read the campaign again, review it, and approve what you saw.',
          { currentHash: before.content_hash });
      }
      const after = (await this.campaigns.update(tx, before.id, dto.version, {
        status: 'approved', approved_by: actor.id, approved_at: new Date(), approved_hash: before.content_hash,
      }))!;
      await this.audit.record(tx, actor, {
        action: 'campaign.approved', entityType: 'notice_campaign', entityId: after.id, incidentId: incident.id,
        before: { status: before.status }, after: { status: after.status, approvedBy: after.approved_by, approvedAt: after.approved_at, approvedHash: after.approved_hash },
      });
      return campaignView(after);
    });
  }

  /** Cancels a draft, approved or running campaign; the notifier stops what is not yet sent. Cancelling twice is a no-op. */
  async cancel(actor: Actor, incidentKey: string, id: string, dto: CancelCampaignDto): Promise<CampaignView> {
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, incidentKey);
      const before = await this.require(tx, incident.id, id, true);
      if (dto.version !== undefined) this.checkVersion(before, dto.version);
      if (before.status === 'cancelled') return campaignView(before);
      if (!isCampaignCancellable(before.status)) {
        throw Problem.conflict('campaign-not-cancellable', 'This campaign can no longer be cancelled',
          `The campaign is ${before.status}: everything has been sent.`, { currentStatus: before.status });
      }
      const after = (await this.campaigns.update(tx, before.id, before.version, { status: 'cancelled', cancelled_at: new Date() }))!;
      await this.audit.record(tx, actor, {
        action: 'campaign.cancelled', entityType: 'notice_campaign', entityId: after.id, incidentId: incident.id,
        before: { status: before.status }, after: { status: after.status, cancelledAt: after.cancelled_at },
      });
      return campaignView(after);
    });
  }

  async audience(incidentKey: string, id: string) {
    const incident = await this.incidents.require(this.db, incidentKey);
    const campaign = await this.require(this.db, incident.id, id);
    const counts = await this.campaigns.audienceCounts(incident.id, campaign.audience, campaign.channel_chain);
    return {
      campaignId: campaign.id,
      audience: campaign.audience,
      channelChain: campaign.channel_chain,
      subjects: counts.subjects,
      minors: counts.minors,
      reachable: counts.reachable,
      unreachable: counts.subjects - counts.reachable,
      byChannel: counts.byChannel,
      byFirstChannel: counts.byFirstChannel,
    };
  }

  async require(sql: Sql | Tx, incidentId: string, id: string, forUpdate = false): Promise<CampaignRow> {
    const row = await this.campaigns.find(sql, incidentId, id, forUpdate);
    if (!row) throw Problem.notFound('Campaign', id);
    return row;
  }

  private checkVersion(row: CampaignRow, version: number): void {
    if (row.version !== version) {
      throw Problem.conflict('stale-version', 'The campaign was changed by someone else',
        `You sent version ${version}; the campaign is at version ${row.version}. Read it again and reapply your change.`,
        { currentVersion: row.version });
    }
  }
}
