import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { RemediationController } from './remediation.controller.js';
import { RemediationRepository } from './remediation.repository.js';
import { RemediationService } from './remediation.service.js';

/** Remediation actions of an incident; notices and reports read the ones flagged `includeInNotice`. */
@Module({
  imports: [IncidentsModule],
  controllers: [RemediationController],
  providers: [RemediationRepository, RemediationService],
  exports: [RemediationService, RemediationRepository],
})
export class RemediationModule {}
