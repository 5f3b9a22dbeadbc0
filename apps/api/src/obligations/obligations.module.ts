import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { CLOCK, systemClock } from '#records';
import { ClockFactsRepository } from '#records';
import { ObligationEngine } from '#records';
import { ObligationRepository } from '#records';
import { ObligationService } from './obligation.service.js';
import { ObligationsController } from './obligations.controller.js';
import { OrganisationController } from './organisation.controller.js';
import { OrganisationRepository } from '#records';

/** Legal clocks: the organisation profile, an incident's clock facts, its obligations and their submissions. */
@Module({
  imports: [IncidentsModule],
  controllers: [OrganisationController, ObligationsController],
  providers: [{ provide: CLOCK, useValue: systemClock }, OrganisationRepository, ClockFactsRepository, ObligationRepository, ObligationEngine, ObligationService],
  exports: [CLOCK, OrganisationRepository, ClockFactsRepository, ObligationRepository, ObligationEngine, ObligationService],
})
export class ObligationsModule {}
