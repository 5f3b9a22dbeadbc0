import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../../../api/src/obligations/clock.js';
import { ClockFactsRepository } from '../../../api/src/obligations/clock-facts.repository.js';
import { ObligationEngine } from '../../../api/src/obligations/obligation-engine.js';
import { ObligationRepository } from '../../../api/src/obligations/obligation.repository.js';
import { OrganisationRepository } from '../../../api/src/obligations/organisation.repository.js';
import { ReportEngine } from '../../../api/src/reports/report-engine.js';
import { ReportRepository } from '../../../api/src/reports/report.repository.js';
import { ReportSourcesRepository } from '../../../api/src/reports/report-sources.repository.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { ReportScheduler } from './report-scheduler.js';
import { SCHEDULER_CONFIG, schedulerConfigFromEnv } from './scheduler-config.js';

/**
 * Regulator reports and deadline alerts on the notifier side. It runs the api's obligation and report
 * engines (plain classes over the database) on the `CLOCK` provider, which tests replace with one they advance.
 */
@Module({})
export class SchedulerModule {
  static forRoot(env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [
        { provide: SCHEDULER_CONFIG, useValue: schedulerConfigFromEnv(env) },
        { provide: CLOCK, useValue: systemClock },
        OrganisationRepository,
        ClockFactsRepository,
        ObligationRepository,
        ObligationEngine,
        ReportRepository,
        ReportSourcesRepository,
        ReportEngine,
        JobRunsRepository,
        ReportScheduler,
      ],
      exports: [ReportScheduler, CLOCK],
    };
  }
}
