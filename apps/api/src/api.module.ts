import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '#database';
import { AuthGuard } from './access/auth.guard.js';
import { AnnouncementsModule } from './announcements/announcements.module.js';
import { TokenRepository } from './access/token.repository.js';
import { TokenService } from './access/token.service.js';
import { TokensController } from './access/tokens.controller.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { AssessmentsModule } from './assessments/assessments.module.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditRepository } from './audit/audit.repository.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { ProblemFilter } from './common/problem.filter.js';
import type { ApiConfig } from './config.js';
import { DeliveriesModule } from './deliveries/deliveries.module.js';
import { HealthController } from './health/health.controller.js';
import { IncidentsModule } from './incidents/incidents.module.js';
import { PrintBatchesModule } from './print-batches/print-batches.module.js';
import { ObligationsModule } from './obligations/obligations.module.js';
import { RegulatorModule } from './regulator/regulator.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RemediationModule } from './remediation/remediation.module.js';
import { SubjectsModule } from './subjects/subjects.module.js';
import { ThirdPartiesModule } from './third-parties/third-parties.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [DatabaseModule.forRoot(config.databaseUrl), IncidentsModule, AssessmentsModule, RemediationModule, ThirdPartiesModule, SubjectsModule, CampaignsModule, DeliveriesModule, AlertsModule, AnnouncementsModule, ObligationsModule, ReportsModule, RegulatorModule, WebhooksModule, PrintBatchesModule],
      controllers: [HealthController, TokensController, AuditController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        TokenRepository,
        TokenService,
        AuditRepository,
      ],
    };
  }
}
