import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import {
  announcementSlugBase, announcementTitle, contentWithRemediation, nextFreeSlug, SYSTEM_ACTOR, type SubstituteDecision, substituteNoticeDecision,
} from '#domain';
import type { NotifierConfig } from '../notifier-config.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { type CampaignFigures, type CreatedAnnouncement, SubstituteNoticeRepository, type WatchedCampaign } from './substitute-notice.repository.js';

const SLUG_ATTEMPTS = 20;

/**
 * Substitute notice on the notifier's tick: judges running and recently completed campaigns that have no
 * announcement yet against their policy (`substituteNoticeDecision`), from set-wise counts, and creates the
 * campaign's public announcement when it trips: published (auto_publish) or a draft for an approver, with an
 * alert and an audit event, in one transaction. Several notifier processes may do this at once: the unique
 * campaign_id decides who wins, the others write nothing.
 */
@Injectable()
export class AnnouncementMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AnnouncementMonitor');
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private stopped = false;
  /** Facts that cannot change for a campaign, kept to spare the database: totals once expanded, contact found. */
  private readonly expandedTotals = new Map<string, number>();
  private readonly contactFound = new Set<string>();
  /** Completed campaigns judged on their final figures without tripping: nothing will change for them. */
  private readonly settled = new Set<string>();

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(SubstituteNoticeRepository) private readonly repo: SubstituteNoticeRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  /** Counting a large campaign is not free: check less often than the dispatcher ticks (0.5 s to 5 s). */
  get intervalMs(): number {
    return Math.min(5_000, Math.max(500, this.config.tickMs * 10));
  }

  onApplicationBootstrap(): void {
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.checking = this.check().then(() => undefined, (error) => this.logger.warn(`check: ${(error as Error).message}`)).finally(schedule);
      }, this.intervalMs);
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.checking;
  }

  /** One pass over the watched campaigns; returns the announcements this process created. */
  async check(): Promise<CreatedAnnouncement[]> {
    const created: CreatedAnnouncement[] = [];
    for (const campaign of await this.repo.watchedCampaigns()) {
      if (this.stopped) break;
      if (this.settled.has(campaign.id)) continue;
      try {
        const decision = await this.judge(campaign);
        if (!decision.trip) {
          if (campaign.status === 'completed') this.settled.add(campaign.id);
          continue;
        }
        const row = await this.create(campaign, decision);
        if (row) created.push(row);
      } catch (error) {
        this.logger.warn(`campaign ${campaign.id}: ${(error as Error).message}`);
      }
    }
    return created;
  }

  private async judge(c: WatchedCampaign): Promise<SubstituteDecision> {
    const figures = await this.figures(c);
    let anyContact = this.contactFound.has(c.id);
    if (!anyContact) {
      anyContact = c.status === 'completed' && c.summary
        ? (c.summary.unreachableReasons?.none?.no_contact_for_chain ?? 0) < c.summary.total
        : await this.repo.anyContact(c);
      if (anyContact) this.contactFound.add(c.id);
    }
    return substituteNoticeDecision({ policy: c.substitute_policy, ...figures, expandedAll: c.expanded || c.status === 'completed', anyContact });
  }

  /** A completed campaign's figures are in its summary; a running one's are counted. */
  private async figures(c: WatchedCampaign): Promise<CampaignFigures> {
    if (c.status === 'completed' && c.summary) {
      return { audienceTotal: c.summary.total, unreachable: c.summary.byState?.unreachable ?? 0 };
    }
    const unreachable = await this.repo.unreachable(c.id);
    let total = this.expandedTotals.get(c.id);
    if (total === undefined) {
      total = await this.repo.expanded(c.id);
      if (c.expanded) this.expandedTotals.set(c.id, total);
    }
    return { audienceTotal: total, unreachable };
  }

  private async create(c: WatchedCampaign, decision: SubstituteDecision): Promise<CreatedAnnouncement | undefined> {
    const status = decision.mode === 'auto_publish' ? 'published' : 'draft';
    const row = await this.db.transaction(async (tx) => {
      const notice = await this.repo.campaignNotice(tx, c.id);
      if (!notice) return undefined;
      const content = contentWithRemediation(notice.content, notice.remediation);
      const title = announcementTitle(content, notice.default_language, notice.incident_ref);
      const base = announcementSlugBase(notice.incident_ref);
      const fields = { campaignId: c.id, incidentId: notice.incident_id, status, ground: decision.ground!, reason: decision.reason, durationDays: decision.durationDays, title, defaultLanguage: notice.default_language, content } as const;
      let inserted: CreatedAnnouncement | undefined;
      for (let attempt = 0; attempt < SLUG_ATTEMPTS && !inserted; attempt++) {
        inserted = await this.repo.insert(tx, { ...fields, slug: nextFreeSlug(base, await this.repo.takenSlugs(tx, base)) });
        // Nothing written: another process made this campaign's announcement (it wins), or took the slug (try the next).
        if (!inserted && (await this.repo.campaignHasAnnouncement(tx, c.id))) return undefined;
      }
      if (!inserted) throw new Error('no free slug for the announcement');
      const what = status === 'published' ? 'was published' : 'was drafted and awaits an approver';
      await this.repo.alert(tx, inserted, `A public announcement (${inserted.slug}) ${what} for campaign ${c.id}: ${decision.reason}`);
      const facts = { ground: decision.ground, reason: decision.reason, mode: decision.mode };
      await this.audit.record(tx, SYSTEM_ACTOR, { action: 'announcement.created', entityType: 'announcement', entityId: inserted.id, incidentId: inserted.incident_id, after: { ...inserted, decision: facts } });
      if (status === 'published') {
        await this.audit.record(tx, SYSTEM_ACTOR, {
          action: 'announcement.published', entityType: 'announcement', entityId: inserted.id, incidentId: inserted.incident_id,
          before: { status: 'draft' }, after: { status: inserted.status, publishedAt: inserted.published_at, visibleUntil: inserted.visible_until, by: 'substitute-notice policy (auto_publish)' },
        });
      }
      return inserted;
    });
    if (row) this.logger.log(`announcement ${row.slug} ${row.status} for campaign ${c.id} (${decision.ground})`);
    return row;
  }
}
