import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail, Database, type Sql } from '#database';
import {
  type Actor, announcementSlugBase, announcementTitle, announcementVisibleUntil, checkWithdrawal, isAnnouncementSlug, MAX_SUBSTITUTE_DAYS,
  nextFreeSlug, normaliseUpdateBody, publishRefusal, validateAnnouncementDraft,
} from '#domain';
import { NOTICE_SETTINGS, type NoticeSettings } from '../campaigns/notice-settings.js';
import { cursorKey, decodeCursor, encodeCursor, type Page } from '../common/keyset.js';
import { Problem } from '../common/problem.js';
import { IncidentService } from '../incidents/incident.service.js';
import type { AddAnnouncementUpdateDto, CreateAnnouncementDto, ListAnnouncementsQuery, PublishAnnouncementDto, UpdateAnnouncementDto, WithdrawAnnouncementDto } from './announcement.dto.js';
import { type AnnouncementChanges, AnnouncementRepository, type AnnouncementRow } from './announcement.repository.js';
import { announcementUpdateView, announcementView, type AnnouncementView } from './announcement.view.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLUG_ATTEMPTS = 20;

/** An announcement path key: its UUID or its slug. */
export function announcementKey(value: string): { id?: string; slug?: string } {
  if (UUID.test(value)) return { id: value.toLowerCase() };
  if (isAnnouncementSlug(value)) return { slug: value };
  throw Problem.validation([{ field: 'announcement', reason: 'must be an announcement UUID or slug like inc-2026-0001-notice' }]);
}

/** Staff use cases of public announcements: drafted by hand or by the notifier, published by another person. */
@Injectable()
export class AnnouncementService {
  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(IncidentService) private readonly incidents: IncidentService,
    @Inject(AnnouncementRepository) private readonly announcements: AnnouncementRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(NOTICE_SETTINGS) private readonly settings: NoticeSettings,
  ) {}

  private view(row: AnnouncementRow): AnnouncementView {
    return announcementView(row, this.settings.publicBaseUrl);
  }

  async list(query: ListAnnouncementsQuery): Promise<Page<AnnouncementView>> {
    const incident = query.incident ? await this.incidents.require(this.db, query.incident) : undefined;
    const limit = query.limit ?? 50;
    const after = query.cursor ? (decodeCursor(query.cursor, 2, [cursorKey.timestamp, cursorKey.uuid]) as [string, string]) : undefined;
    const rows = await this.announcements.list({ incidentId: incident?.id, status: query.status, after, limit });
    const last = rows[rows.length - 1];
    return { items: rows.map((r) => this.view(r)), nextCursor: rows.length === limit && last ? encodeCursor([last.created_at_key, last.id]) : null };
  }

  /** The announcement with its timeline, newest first. */
  async get(key: string) {
    const row = await this.require(this.db, key);
    const updates = await this.announcements.updates(this.db, row.id);
    return { ...this.view(row), updates: updates.map(announcementUpdateView) };
  }

  /** A draft made by staff for an incident (optionally standing in for one of its campaigns). */
  async create(actor: Actor, dto: CreateAnnouncementDto): Promise<AnnouncementView> {
    const result = validateAnnouncementDraft(dto, { requireReason: true });
    if (!result.value) throw Problem.validation(result.issues);
    const draft = result.value;
    return this.db.transaction(async (tx) => {
      const incident = await this.incidents.require(tx, dto.incident);
      if (dto.campaignId) {
        const campaign = await this.announcements.campaignOf(tx, incident.id, dto.campaignId.toLowerCase());
        if (!campaign) throw Problem.validation([{ field: 'campaignId', reason: `is not a campaign of incident ${incident.ref}` }]);
        if (campaign.has_announcement) throw this.campaignTaken();
      }
      const base = announcementSlugBase(incident.ref);
      const fields = {
        incidentId: incident.id,
        campaignId: dto.campaignId?.toLowerCase() ?? null,
        title: draft.title ?? announcementTitle(draft.content, draft.defaultLanguage, incident.ref),
        defaultLanguage: draft.defaultLanguage,
        content: draft.content,
        reason: draft.reason!,
        durationDays: draft.durationDays,
        createdBy: actor.id,
      };
      let row: AnnouncementRow | undefined;
      for (let attempt = 0; attempt < SLUG_ATTEMPTS && !row; attempt++) {
        row = await this.announcements.insert(tx, { ...fields, slug: nextFreeSlug(base, await this.announcements.takenSlugs(tx, base)) });
        // Nothing written: the notifier made this campaign's announcement meanwhile, or the slug was just taken.
        if (!row && fields.campaignId && (await this.announcements.campaignOf(tx, incident.id, fields.campaignId))?.has_announcement) throw this.campaignTaken();
      }
      if (!row) throw Problem.conflict('slug-taken', 'No free address for the announcement', 'Other announcements of this incident were created at the same moment; try again.');
      await this.audit.record(tx, actor, { action: 'announcement.created', entityType: 'announcement', entityId: row.id, incidentId: row.incident_id, after: row });
      return this.view(row);
    });
  }

  /**
   * Edits a draft (title, language, content, duration, reason). A published announcement is what the public
   * read: only its posting period may be extended; news goes to its timeline. A withdrawn one is closed.
   */
  async update(actor: Actor, key: string, dto: UpdateAnnouncementDto): Promise<AnnouncementView> {
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, key, true);
      this.checkVersion(before, dto.version);
      let changes: AnnouncementChanges;
      if (before.status === 'withdrawn') {
        throw Problem.conflict('announcement-withdrawn', 'A withdrawn announcement cannot be edited', 'This announcement was withdrawn; create a new one instead.', { currentStatus: before.status });
      } else if (before.status === 'published') {
        const frozen = (['title', 'defaultLanguage', 'content', 'reason'] as const).filter((f) => dto[f] !== undefined);
        if (frozen.length) {
          throw Problem.conflict('announcement-published', 'A published announcement\'s text cannot be edited',
            `The public has read it as published (${frozen.join(', ')} cannot change): add an update to its timeline instead, or withdraw it and publish a new one.`, { currentStatus: before.status });
        }
        changes = this.extension(before, dto.durationDays);
      } else {
        const result = validateAnnouncementDraft({
          title: dto.title === undefined ? before.title : dto.title,
          defaultLanguage: dto.defaultLanguage ?? before.default_language,
          content: dto.content ?? before.content,
          durationDays: dto.durationDays ?? before.duration_days,
          reason: dto.reason === undefined ? before.reason : dto.reason,
        }, { requireReason: before.created_by !== null });
        if (!result.value) throw Problem.validation(result.issues);
        const v = result.value;
        const title = v.title ?? (dto.title === null ? announcementTitle(v.content, v.defaultLanguage, before.incident_ref) : before.title);
        changes = { title, default_language: v.defaultLanguage, content: v.content, duration_days: v.durationDays, reason: v.reason ?? before.reason };
      }
      const changed = Object.entries(changes).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k as keyof AnnouncementRow]));
      if (changed.length === 0) return this.view(before);
      const after = (await this.announcements.update(tx, before.id, dto.version, Object.fromEntries(changed)))!;
      await this.audit.record(tx, actor, { action: 'announcement.updated', entityType: 'announcement', entityId: after.id, incidentId: after.incident_id, before, after });
      return this.view(after);
    });
  }

  /** A published announcement's period may grow, never shrink (a legal minimum is not cut short by an edit). */
  private extension(before: AnnouncementRow, durationDays: unknown): AnnouncementChanges {
    if (durationDays === undefined) return {};
    if (!(Number.isSafeInteger(durationDays) && (durationDays as number) >= 1 && (durationDays as number) <= MAX_SUBSTITUTE_DAYS)) {
      throw Problem.validation([{ field: 'durationDays', reason: `must be a whole number of days from 1 to ${MAX_SUBSTITUTE_DAYS}` }]);
    }
    const days = durationDays as number;
    if (days < before.duration_days) {
      throw Problem.conflict('posting-period-shortened', 'The posting period cannot be shortened',
        `The announcement must stay up ${before.duration_days} days (until ${before.visible_until!.toISOString()}); to end it early, withdraw it with force and a reason.`,
        { durationDays: before.duration_days, visibleUntil: before.visible_until });
    }
    return { duration_days: days, visible_until: announcementVisibleUntil(before.published_at!, days) };
  }

  /**
   * Publishes a draft: by an approver who did not create it (four eyes); a draft the system made may be
   * published by any approver. The posting period starts now.
   */
  async publish(actor: Actor, key: string, dto: PublishAnnouncementDto): Promise<AnnouncementView> {
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, key, true);
      const refusal = publishRefusal({ status: before.status, createdBy: before.created_by }, actor.id);
      if (refusal === 'creator_cannot_publish') {
        throw new Problem(403, 'creator-cannot-publish', 'The creator cannot publish their own announcement',
          'You created this announcement; another approver must publish it (four-eyes rule).');
      }
      this.checkVersion(before, dto.version);
      if (refusal === 'not_draft') {
        throw Problem.conflict('announcement-not-draft', 'Only a draft can be published', `The announcement is ${before.status}; only a draft can be published.`, { currentStatus: before.status });
      }
      const now = new Date();
      const after = (await this.announcements.update(tx, before.id, dto.version, {
        status: 'published', published_at: now, visible_until: announcementVisibleUntil(now, before.duration_days), published_by: actor.id,
      }))!;
      await this.audit.record(tx, actor, {
        action: 'announcement.published', entityType: 'announcement', entityId: after.id, incidentId: after.incident_id,
        before: { status: before.status }, after: { status: after.status, publishedAt: after.published_at, visibleUntil: after.visible_until, publishedBy: after.published_by },
      });
      return this.view(after);
    });
  }

  /** Adds a dated entry to the timeline (drafts too: it shows once published). */
  async addUpdate(actor: Actor, key: string, dto: AddAnnouncementUpdateDto) {
    return this.db.transaction(async (tx) => {
      const announcement = await this.require(tx, key, true);
      if (announcement.status === 'withdrawn') {
        throw Problem.conflict('announcement-withdrawn', 'A withdrawn announcement takes no updates', 'This announcement was withdrawn.', { currentStatus: announcement.status });
      }
      const body = normaliseUpdateBody(dto.body, announcement.default_language);
      if (!body.value) throw Problem.validation(body.issues);
      const row = await this.announcements.addUpdate(tx, announcement.id, body.value, actor.id);
      await this.audit.record(tx, actor, { action: 'announcement.update_added', entityType: 'announcement', entityId: announcement.id, incidentId: announcement.incident_id, after: row });
      return announcementUpdateView(row);
    });
  }

  /**
   * Withdraws an announcement. Before the end of its posting period only with `force` and a reason: a legal
   * minimum is never cut short silently (the forced withdrawal is recorded as such). Withdrawing twice is a no-op.
   */
  async withdraw(actor: Actor, key: string, dto: WithdrawAnnouncementDto): Promise<AnnouncementView> {
    return this.db.transaction(async (tx) => {
      const before = await this.require(tx, key, true);
      if (dto.version !== undefined) this.checkVersion(before, dto.version);
      if (before.status === 'withdrawn') return this.view(before);
      const check = checkWithdrawal({ status: before.status, visibleUntil: before.visible_until }, new Date(), { force: dto.force, reason: dto.reason });
      if (!check.ok && check.refusal === 'reason_required') throw Problem.validation([{ field: 'reason', reason: 'is required to withdraw before the end of the posting period' }]);
      if (!check.ok) {
        throw Problem.conflict('posting-period-not-over', 'The announcement must stay up until the end of its posting period',
          `It is visible until ${check.visibleUntil.toISOString()} (${before.duration_days} days from publication, the period the law or the policy requires). To withdraw it earlier, send force: true with a reason.`,
          { visibleUntil: check.visibleUntil });
      }
      const after = (await this.announcements.update(tx, before.id, before.version, {
        status: 'withdrawn', withdrawn_at: new Date(), withdrawn_by: actor.id, withdrawal_reason: dto.reason?.trim() || null, withdrawal_forced: check.forced,
      }))!;
      await this.audit.record(tx, actor, {
        action: 'announcement.withdrawn', entityType: 'announcement', entityId: after.id, incidentId: after.incident_id,
        before: { status: before.status, visibleUntil: before.visible_until },
        after: { status: after.status, withdrawnAt: after.withdrawn_at, reason: after.withdrawal_reason, forced: after.withdrawal_forced },
      });
      return this.view(after);
    });
  }

  async require(sql: Sql, key: string, forUpdate = false): Promise<AnnouncementRow> {
    const row = await this.announcements.find(sql, announcementKey(key), forUpdate);
    if (!row) throw Problem.notFound('Announcement', key);
    return row;
  }

  private campaignTaken(): Problem {
    return Problem.conflict('campaign-has-announcement', 'This campaign already has an announcement', 'A campaign has at most one public announcement: edit or update the existing one.');
  }

  private checkVersion(row: AnnouncementRow, version: number): void {
    if (row.version !== version) {
      throw Problem.conflict('stale-version', 'The announcement was changed by someone else',
        `You sent version ${version}; the announcement is at version ${row.version}. Read it again and reapply your change.`,
        { currentVersion: row.version });
    }
  }
}
