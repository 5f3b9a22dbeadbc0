import { Module } from '@nestjs/common';
import { IncidentsModule } from '../incidents/incidents.module.js';
import { SubjectImportService } from './subject-import.service.js';
import { SubjectRepository } from './subject.repository.js';
import { SubjectService } from './subject.service.js';
import { SubjectsController } from './subjects.controller.js';

/** Affected subjects: streamed import (COPY), listing, summary per jurisdiction and channel, import history. */
@Module({
  imports: [IncidentsModule],
  controllers: [SubjectsController],
  providers: [SubjectRepository, SubjectService, SubjectImportService],
  exports: [SubjectService, SubjectRepository],
})
export class SubjectsModule {}
