import { Body, Controller, Get, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { PutClockFactsDto } from './clock-facts.dto.js';
import { ListObligationsQuery, RecordSubmissionDto } from './obligation.dto.js';
import { ObligationService } from './obligation.service.js';

@ApiTags('obligations')
@ApiBearerAuth()
@Controller('v1/incidents/:incident')
export class ObligationsController {
  constructor(@Inject(ObligationService) private readonly service: ObligationService) {}

  @Get('clock-facts')
  @Roles(...STAFF_READ)
  getClockFacts(@Param('incident') key: string) {
    return this.service.getClockFacts(key);
  }

  @Put('clock-facts')
  @Roles(...STAFF_WRITE)
  putClockFacts(@CurrentActor() actor: Actor, @Param('incident') key: string, @Body() dto: PutClockFactsDto) {
    return this.service.putClockFacts(actor, key, dto);
  }

  /** Every obligation, derived from the facts as they are now, with its countdown. */
  @Get('obligations')
  @Roles(...STAFF_READ)
  list(@Param('incident') key: string, @Query() query: ListObligationsQuery) {
    return this.service.list(key, query);
  }

  @Post('obligations/:key/submissions')
  @Roles(...STAFF_WRITE, 'approver')
  submit(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('key') key: string, @Body() dto: RecordSubmissionDto) {
    return this.service.recordSubmission(actor, incident, key, dto);
  }
}
