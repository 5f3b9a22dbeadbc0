import { Body, Controller, Get, Inject, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '#domain';
import { CurrentActor, Roles, STAFF_READ } from '../access/roles.decorator.js';
import { ObligationService } from './obligation.service.js';
import { PutOrganisationDto } from './organisation.dto.js';

@ApiTags('obligations')
@ApiBearerAuth()
@Controller('v1/organisation')
export class OrganisationController {
  constructor(@Inject(ObligationService) private readonly service: ObligationService) {}

  /** Staff read it (local times are shown in its zone); only an admin changes it. */
  @Get()
  @Roles(...STAFF_READ)
  get() {
    return this.service.getOrganisation();
  }

  @Put()
  @Roles('admin')
  put(@CurrentActor() actor: Actor, @Body() dto: PutOrganisationDto) {
    return this.service.putOrganisation(actor, dto);
  }
}
