import { Global, Module, type DynamicModule, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from './audit-trail.js';
import { createDataSource, Database } from './database.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.db.dataSource.isInitialized) await this.db.dataSource.destroy();
  }
}

/** Provides the `Database` (a TypeORM data source used for plain SQL) and the audit trail. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize?: number): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: url },
        {
          provide: Database,
          useFactory: async () => {
            const dataSource = createDataSource(url, poolSize);
            await dataSource.initialize();
            return new Database(dataSource);
          },
        },
        { provide: AuditTrail, useValue: new AuditTrail() },
        DatabaseLifecycle,
      ],
      exports: [Database, AuditTrail, DATABASE_URL],
    };
  }
}
