import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { CreateThirdPartyDto, ListThirdPartiesQuery, MarkNotifiedDto, UpdateThirdPartyDto } from './third-party.dto.js';
import { ThirdPartyService } from './third-party.service.js';

/** Processors, partners and others that received the data of an incident; they are told too. */
@ApiTags('third-parties')
@ApiBearerAuth()
@Controller('v1/incidents/:incident/third-parties')
export class ThirdPartiesController {
  constructor(@Inject(ThirdPartyService) private readonly parties: ThirdPartyService) {}

  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Body() dto: CreateThirdPartyDto) {
    return this.parties.create(actor, incident, dto);
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Param('incident') incident: string, @Query() query: ListThirdPartiesQuery) {
    return this.parties.list(incident, query);
  }

  @Get(':id')
  @Roles(...STAFF_READ)
  get(@Param('incident') incident: string, @Param('id', uuidParam('id')) id: string) {
    return this.parties.get(incident, id);
  }

  @Patch(':id')
  @Roles(...STAFF_WRITE)
  update(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateThirdPartyDto) {
    return this.parties.update(actor, incident, id, dto);
  }

  @Post(':id/notified')
  @HttpCode(200)
  @Roles(...STAFF_WRITE)
  markNotified(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: MarkNotifiedDto) {
    return this.parties.markNotified(actor, incident, id, dto);
  }
}
