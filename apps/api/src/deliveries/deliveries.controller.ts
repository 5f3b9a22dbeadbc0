import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Roles, STAFF_READ } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { CampaignProgressService } from './campaign-progress.service.js';
import { DeliveryReadRepository } from './delivery-read.repository.js';
import { AfterIdQuery } from '../common/after-id.query.js';

export class OutboxQuery extends AfterIdQuery {
  @ApiPropertyOptional({ enum: ['email', 'sms', 'push', 'letter'] })
  @IsOptional()
  @IsIn(['email', 'sms', 'push', 'letter'])
  channel?: string;


}

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('v1')
export class DeliveriesController {
  constructor(
    @Inject(CampaignProgressService) private readonly progress: CampaignProgressService,
    @Inject(DeliveryReadRepository) private readonly deliveries: DeliveryReadRepository,
  ) {}

  /** Counts per channel and status, rate and time left, readable while the campaign runs. */
  @Get('incidents/:incident/campaigns/:id/progress')
  @Roles(...STAFF_READ)
  campaignProgress(@Param('incident') incident: string, @Param('id', uuidParam('id')) id: string) {
    return this.progress.progress(incident, id);
  }

  /** What the sandbox transport "sent" (no provider configured). Holds contact data: admins only. */
  @Get('outbox')
  @Roles('admin')
  async outbox(@Query() q: OutboxQuery) {
    const limit = q.limit ?? 100;
    const items = await this.deliveries.outbox(q.after ?? 0, limit, q.channel);
    return { items, nextAfter: items.length === limit ? items[items.length - 1]!.id : null };
  }
}
