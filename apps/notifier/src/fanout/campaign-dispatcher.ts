import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { SYSTEM_ACTOR } from '#domain';
import type { NotifierConfig } from '../notifier-config.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { campaignSummary } from '#records';
import { DeliveryRepository } from './delivery.repository.js';

/** Subjects in the first expansion chunk of a campaign (see `tick`). */
const FIRST_CHUNK = 100;

/**
 * The campaign life cycle on the notifier side, on a short tick: start approved campaigns, expand their
 * audiences chunk by chunk (so the first notices leave at once, whatever the size), stop cancelled ones,
 * requeue the work of dead workers, and close finished campaigns with their summary.
 */
@Injectable()
export class CampaignDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CampaignDispatcher');
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.ticking = this.tick().catch((error) => this.logger.warn(`tick: ${(error as Error).message}`)).finally(schedule);
      }, this.config.tickMs);
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  async tick(): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const c of await this.deliveries.startApproved(tx)) {
        await this.audit.record(tx, SYSTEM_ACTOR, { action: 'campaign.started', entityType: 'notice_campaign', entityId: c.id, incidentId: c.incident_id });
        this.logger.log(`campaign ${c.id} started`);
      }
    });
    // Expand for a bounded time per tick so cancellations, reaping and completion keep their pace.
    const budgetEnds = Date.now() + 500;
    for (const campaign of await this.deliveries.runningCampaigns()) {
      let expanded = campaign.expanded_at !== null;
      // A campaign's first chunk is small: a full chunk takes most of a second to insert, and the
      // first notices should leave within a second of approval.
      let chunk = campaign.expanded_through === 0 ? Math.min(FIRST_CHUNK, this.config.expandChunk) : this.config.expandChunk;
      while (!expanded && Date.now() < budgetEnds) {
        const result = await this.deliveries.expandChunk(campaign, chunk);
        if (!result) break;
        expanded = result.done;
        chunk = this.config.expandChunk;
      }
    }
    await this.deliveries.cancelQueued();
    const reaped = await this.deliveries.reapExpiredLeases();
    if (reaped) this.logger.warn(`requeued ${reaped} deliveries whose worker stopped mid-send`);
    for (const c of await this.deliveries.finishedCampaigns()) {
      const summary = await campaignSummary(this.db, c.id);
      await this.db.transaction(async (tx) => {
        if (await this.deliveries.complete(tx, c.id, summary)) {
          await this.audit.record(tx, SYSTEM_ACTOR, { action: 'campaign.completed', entityType: 'notice_campaign', entityId: c.id, incidentId: c.incident_id, after: summary });
          this.logger.log(`campaign ${c.id} completed`);
        }
      });
    }
  }
}
