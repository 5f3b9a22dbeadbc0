import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { SYSTEM_ACTOR } from '#domain';
import type { NotifierConfig } from '../notifier-config.js';
import { NOTIFIER_CONFIG } from '../tokens.js';
import { campaignSummary } from '#records';
import { DeliveryRepository } from './delivery.repository.js';

/**
 * The campaign life cycle on the notifier side, on a short tick: start approved campaigns (the channel
 * worker's audience loops then expand and send them part by part), stop cancelled ones, requeue the work of
 * dead workers, and close finished campaigns with their summary.
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
