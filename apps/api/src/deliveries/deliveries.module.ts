import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { CampaignProgressService } from './campaign-progress.service.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveryReadRepository } from './delivery-read.repository.js';
import { NoticePageController } from './notice-page.controller.js';

/** The api's view of the notifier's work: progress, the sandbox outbox, and the public notice pages. */
@Module({
  imports: [CampaignsModule],
  controllers: [DeliveriesController, NoticePageController],
  providers: [DeliveryReadRepository, CampaignProgressService],
})
export class DeliveriesModule {}
