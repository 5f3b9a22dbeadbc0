import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { ThirdPartiesController } from './third-parties.controller.js';
import { ThirdPartyRepository } from './third-party.repository.js';
import { ThirdPartyService } from './third-party.service.js';

/** Third parties that received an incident's data, and whether they have been told. */
@Module({
  imports: [IncidentsModule],
  controllers: [ThirdPartiesController],
  providers: [ThirdPartyRepository, ThirdPartyService],
  exports: [ThirdPartyService, ThirdPartyRepository],
})
export class ThirdPartiesModule {}
