import { type DynamicModule, Module } from '@nestjs/common';
import { CLOCK, systemClock } from '#records';
import { ClockFactsRepository } from '#records';
import { ObligationEngine } from '#records';
import { ObligationRepository } from '#records';
import { OrganisationRepository } from '#records';
import { ReportEngine } from '#records';
import { ReportRepository } from '#records';
import { ReportSourcesRepository } from '#records';
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
