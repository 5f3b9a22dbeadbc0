import { Module } from '@nestjs/common';
import { TokenRepository } from '../access/token.repository.js';
import { ReportsModule } from '../reports/reports.module.js';
import { RegulatorController } from './regulator.controller.js';
import { RegulatorService } from './regulator.service.js';

/** Regulator-scoped tokens and what they read. */
@Module({
  imports: [ReportsModule],
  controllers: [RegulatorController],
  providers: [TokenRepository, RegulatorService],
})
export class RegulatorModule {}
