import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { ApproveCampaignDto, CancelCampaignDto, CreateCampaignDto, ListCampaignsQuery, PreviewQuery, UpdateCampaignDto } from './campaign.dto.js';
import { CampaignPreviewService } from './campaign-preview.service.js';
import { CampaignService } from './campaign.service.js';

/** Notice campaigns of an incident: drafted by responders, approved by an approver who is not the author. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('v1/incidents/:incident/campaigns')
export class CampaignsController {
  constructor(
    @Inject(CampaignService) private readonly campaigns: CampaignService,
    @Inject(CampaignPreviewService) private readonly previews: CampaignPreviewService,
  ) {}

  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Body() dto: CreateCampaignDto) {
    return this.campaigns.create(actor, incident, dto);
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Param('incident') incident: string, @Query() query: ListCampaignsQuery) {
    return this.campaigns.list(incident, query);
  }

  @Get(':id')
  @Roles(...STAFF_READ)
  get(@Param('incident') incident: string, @Param('id', uuidParam('id')) id: string) {
    return this.campaigns.get(incident, id);
  }

  @Patch(':id')
  @Roles(...STAFF_WRITE)
  update(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateCampaignDto) {
    return this.campaigns.update(actor, incident, id, dto);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('approver')
  approve(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: ApproveCampaignDto) {
    return this.campaigns.approve(actor, incident, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin', 'responder', 'approver')
  cancel(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: CancelCampaignDto) {
    return this.campaigns.cancel(actor, incident, id, dto);
  }

  @Get(':id/audience')
  @Roles(...STAFF_READ)
  audience(@Param('incident') incident: string, @Param('id', uuidParam('id')) id: string) {
    return this.campaigns.audience(incident, id);
  }

  @Get(':id/preview')
  @Roles(...STAFF_READ)
  @ApiProduces('application/json', 'application/pdf')
  async preview(
    @CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string,
    @Query() query: PreviewQuery, @Res({ passthrough: true }) res: Response,
  ) {
    const preview = await this.previews.preview(actor, incident, id, query);
    if (preview.kind === 'json') return preview.body;
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(preview.body, { type: 'application/pdf', disposition: `inline; filename="${preview.filename}"`, length: preview.body.length });
  }
}
