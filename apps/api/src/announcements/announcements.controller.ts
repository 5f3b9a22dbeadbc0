import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import {
  AddAnnouncementUpdateDto, CreateAnnouncementDto, ListAnnouncementsQuery, PublishAnnouncementDto, UpdateAnnouncementDto, WithdrawAnnouncementDto,
} from './announcement.dto.js';
import { AnnouncementService } from './announcement.service.js';

/**
 * Public announcements (substitute notice), staff side: made by the notifier when a campaign's policy trips or
 * by hand, published by an approver who did not create them, updated on a dated timeline, withdrawn.
 * `:announcement` is the UUID or the slug.
 */
@ApiTags('announcements')
@ApiBearerAuth()
@Controller('v1/announcements')
export class AnnouncementsController {
  constructor(@Inject(AnnouncementService) private readonly announcements: AnnouncementService) {}

  @Get()
  @Roles(...STAFF_READ)
  list(@Query() query: ListAnnouncementsQuery) {
    return this.announcements.list(query);
  }

  @Get(':announcement')
  @Roles(...STAFF_READ)
  get(@Param('announcement') key: string) {
    return this.announcements.get(key);
  }

  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateAnnouncementDto) {
    return this.announcements.create(actor, dto);
  }

  @Patch(':announcement')
  @Roles(...STAFF_WRITE)
  update(@CurrentActor() actor: Actor, @Param('announcement') key: string, @Body() dto: UpdateAnnouncementDto) {
    return this.announcements.update(actor, key, dto);
  }

  @Post(':announcement/publish')
  @HttpCode(200)
  @Roles('approver')
  publish(@CurrentActor() actor: Actor, @Param('announcement') key: string, @Body() dto: PublishAnnouncementDto) {
    return this.announcements.publish(actor, key, dto);
  }

  @Post(':announcement/updates')
  @Roles(...STAFF_WRITE)
  addUpdate(@CurrentActor() actor: Actor, @Param('announcement') key: string, @Body() dto: AddAnnouncementUpdateDto) {
    return this.announcements.addUpdate(actor, key, dto);
  }

  @Post(':announcement/withdraw')
  @HttpCode(200)
  @Roles('approver')
  withdraw(@CurrentActor() actor: Actor, @Param('announcement') key: string, @Body() dto: WithdrawAnnouncementDto) {
    return this.announcements.withdraw(actor, key, dto);
  }
}
