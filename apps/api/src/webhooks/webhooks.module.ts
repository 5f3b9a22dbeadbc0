import { Logger, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { WEBHOOK_CONFIG, webhookConfigFromEnv } from './webhook-config.js';
import { WebhookRepository } from './webhook.repository.js';
import { WebhookService } from './webhook.service.js';
import { WebhooksController } from './webhooks.controller.js';

/** Provider delivery webhooks (SendGrid events, Twilio status callbacks): signed, idempotent, set-wise. */
@Module({
  imports: [CampaignsModule],
  controllers: [WebhooksController],
  providers: [
    WebhookRepository,
    WebhookService,
    { provide: WEBHOOK_CONFIG, useFactory: () => webhookConfigFromEnv(process.env, (message) => new Logger('Webhooks').warn(message)) },
  ],
})
export class WebhooksModule {}
