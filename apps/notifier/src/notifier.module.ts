import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { DatabaseModule } from '#database';
import { WorkerPresence } from './worker-presence.js';

@Module({})
export class NotifierModule {
  static forRoot(databaseUrl: string): DynamicModule {
    return {
      module: NotifierModule,
      imports: [DatabaseModule.forRoot(databaseUrl, 10), ScheduleModule.forRoot()],
      providers: [WorkerPresence],
    };
  }
}
