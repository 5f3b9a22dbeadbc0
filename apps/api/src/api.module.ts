import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DatabaseModule } from '#database';
import { AuthGuard } from './access/auth.guard.js';
import { TokenRepository } from './access/token.repository.js';
import { TokenService } from './access/token.service.js';
import { TokensController } from './access/tokens.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditRepository } from './audit/audit.repository.js';
import { ProblemFilter } from './common/problem.filter.js';
import type { ApiConfig } from './config.js';
import { HealthController } from './health/health.controller.js';
import { IncidentRepository } from './incidents/incident.repository.js';
import { IncidentService } from './incidents/incident.service.js';
import { IncidentsController } from './incidents/incidents.controller.js';

@Module({})
export class ApiModule {
  static forRoot(config: ApiConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [DatabaseModule.forRoot(config.databaseUrl)],
      controllers: [HealthController, TokensController, AuditController, IncidentsController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        TokenRepository,
        TokenService,
        AuditRepository,
        IncidentRepository,
        IncidentService,
      ],
    };
  }
}
