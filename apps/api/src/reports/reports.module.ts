import { Module } from '@nestjs/common';
import { ObligationsModule } from '../obligations/obligations.module.js';
import { ReportEngine } from '#records';
import { ReportRepository } from '#records';
import { ReportService } from './report.service.js';
import { ReportSourcesRepository } from '#records';
import { ReportsController } from './reports.controller.js';

/** Regulator reports: drafts from the records, release, corrections, submission, exports. */
@Module({
  imports: [ObligationsModule],
  controllers: [ReportsController],
  providers: [ReportRepository, ReportSourcesRepository, ReportEngine, ReportService],
  exports: [ReportRepository, ReportEngine, ReportService],
})
export class ReportsModule {}
