import { Module } from '@nestjs/common';
import { IncidentRepository } from './incident.repository.js';
import { IncidentService } from './incident.service.js';
import { IncidentsController } from './incidents.controller.js';

/** The incident register's core; other modules use `IncidentService.require` to find (and lock) an incident. */
@Module({
  controllers: [IncidentsController],
  providers: [IncidentRepository, IncidentService],
  exports: [IncidentService, IncidentRepository],
})
export class IncidentsModule {}
