import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignRepository } from './campaign.repository.js';
import { CampaignService } from './campaign.service.js';
import { CampaignsController } from './campaigns.controller.js';
import { NOTICE_SETTINGS, noticeSettingsFromEnv } from './notice-settings.js';

/** Notice campaigns: drafts validated for the required elements, four-eyes approval, audience counts, previews. */
@Module({
  imports: [IncidentsModule],
  controllers: [CampaignsController],
  providers: [
    CampaignRepository,
    CampaignService,
    CampaignPreviewService,
    { provide: NOTICE_SETTINGS, useFactory: () => noticeSettingsFromEnv(process.env) },
  ],
  exports: [CampaignService, CampaignRepository, NOTICE_SETTINGS],
})
export class CampaignsModule {}
