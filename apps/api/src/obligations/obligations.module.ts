import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { CLOCK, systemClock } from './clock.js';
import { ClockFactsRepository } from './clock-facts.repository.js';
import { ObligationEngine } from './obligation-engine.js';
import { ObligationRepository } from './obligation.repository.js';
import { ObligationService } from './obligation.service.js';
import { ObligationsController } from './obligations.controller.js';
import { OrganisationController } from './organisation.controller.js';
import { OrganisationRepository } from './organisation.repository.js';

/** Legal clocks: the organisation profile, an incident's clock facts, its obligations and their submissions. */
@Module({
  imports: [IncidentsModule],
  controllers: [OrganisationController, ObligationsController],
  providers: [{ provide: CLOCK, useValue: systemClock }, OrganisationRepository, ClockFactsRepository, ObligationRepository, ObligationEngine, ObligationService],
  exports: [CLOCK, OrganisationRepository, ClockFactsRepository, ObligationRepository, ObligationEngine, ObligationService],
})
export class ObligationsModule {}
