import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { AnnouncementRepository } from './announcement.repository.js';
import { AnnouncementService } from './announcement.service.js';
import { AnnouncementsController } from './announcements.controller.js';
import { PublicAnnouncementService } from './public-announcement.service.js';
import { PublicAnnouncementsController } from './public-announcements.controller.js';

/** Public announcements (substitute notice): staff endpoints, the public pages and the Atom feed. */
@Module({
  imports: [IncidentsModule, CampaignsModule],
  controllers: [AnnouncementsController, PublicAnnouncementsController],
  providers: [AnnouncementRepository, AnnouncementService, PublicAnnouncementService],
})
export class AnnouncementsModule {}
