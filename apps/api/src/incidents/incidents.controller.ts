import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { CreateIncidentDto, ListIncidentsQuery, TransitionDto, UpdateIncidentDto } from './incident.dto.js';
import { IncidentService } from './incident.service.js';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(@Inject(IncidentService) private readonly incidents: IncidentService) {}

  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateIncidentDto) {
    return this.incidents.create(actor, dto);
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Query() query: ListIncidentsQuery) {
    return this.incidents.list(query);
  }

  @Get(':incident')
  @Roles(...STAFF_READ)
  get(@Param('incident') key: string) {
    return this.incidents.get(key);
  }

  @Patch(':incident')
  @Roles(...STAFF_WRITE)
  update(@CurrentActor() actor: Actor, @Param('incident') key: string, @Body() dto: UpdateIncidentDto) {
    return this.incidents.update(actor, key, dto);
  }

  @Post(':incident/transitions')
  @HttpCode(200)
  @Roles(...STAFF_WRITE)
  transition(@CurrentActor() actor: Actor, @Param('incident') key: string, @Body() dto: TransitionDto) {
    return this.incidents.transition(actor, key, dto);
  }
}
