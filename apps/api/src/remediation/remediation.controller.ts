import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ, STAFF_WRITE } from '../access/roles.decorator.js';
import { uuidParam } from '../common/params.js';
import { CreateRemediationActionDto, ListRemediationActionsQuery, UpdateRemediationActionDto } from './remediation.dto.js';
import { RemediationService } from './remediation.service.js';

/** Remediation actions of an incident. No delete: an action is cancelled, and the record stays for the regulator. */
@ApiTags('remediation')
@ApiBearerAuth()
@Controller('v1/incidents/:incident/remediation-actions')
export class RemediationController {
  constructor(@Inject(RemediationService) private readonly actions: RemediationService) {}

  @Post()
  @Roles(...STAFF_WRITE)
  create(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Body() dto: CreateRemediationActionDto) {
    return this.actions.create(actor, incident, dto);
  }

  @Get()
  @Roles(...STAFF_READ)
  list(@Param('incident') incident: string, @Query() query: ListRemediationActionsQuery) {
    return this.actions.list(incident, query);
  }

  @Get(':id')
  @Roles(...STAFF_READ)
  get(@Param('incident') incident: string, @Param('id', uuidParam('id')) id: string) {
    return this.actions.get(incident, id);
  }

  @Patch(':id')
  @Roles(...STAFF_WRITE)
  update(@CurrentActor() actor: Actor, @Param('incident') incident: string, @Param('id', uuidParam('id')) id: string, @Body() dto: UpdateRemediationActionDto) {
    return this.actions.update(actor, incident, id, dto);
  }
}
