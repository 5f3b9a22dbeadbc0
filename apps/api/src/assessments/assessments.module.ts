import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { AssessmentRepository } from './assessment.repository.js';
import { AssessmentService } from './assessment.service.js';
import { AssessmentsController } from './assessments.controller.js';
import { SeverityPreviewController } from './severity-preview.controller.js';

/** Versioned impact assessments scored by the ENISA 2013 method, and a preview that stores nothing. */
@Module({
  imports: [IncidentsModule],
  controllers: [AssessmentsController, SeverityPreviewController],
  providers: [AssessmentRepository, AssessmentService],
})
export class AssessmentsModule {}
