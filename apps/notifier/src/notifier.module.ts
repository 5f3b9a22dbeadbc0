import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { channelConfigFromEnv, closeChannelProviders, createChannelProviders, type ChannelProviders } from '#channels';
import { Database, DatabaseModule } from '#database';
import { announcementProviders } from './announcements/announcement.providers.js';
import { CampaignDispatcher } from './fanout/campaign-dispatcher.js';
import { ChannelWorker } from './fanout/channel-worker.js';
import { DeliveryRepository } from './fanout/delivery.repository.js';
import { NoticeComposer } from './fanout/notice-composer.js';
import { letterProviders } from './letters/letters.providers.js';
import { outboxSink } from './fanout/outbox-sink.js';
import type { NotifierConfig } from './notifier-config.js';
import { SchedulerModule } from './scheduler/scheduler.module.js';
import { CHANNEL_PROVIDERS, NOTIFIER_CONFIG } from './tokens.js';
import { WorkerPresence } from './worker-presence.js';

export interface NotifierOptions {
  /** Providers to use instead of those the environment configures (tests). */
  providers?: ChannelProviders;
  env?: NodeJS.ProcessEnv;
}

const channelLogger = new Logger('Channels');

@Module({})
export class NotifierModule {
  static forRoot(config: NotifierConfig, options: NotifierOptions = {}): DynamicModule {
    return {
      module: NotifierModule,
      imports: [DatabaseModule.forRoot(config.databaseUrl, 10), ScheduleModule.forRoot(), SchedulerModule.forRoot(options.env ?? process.env)],
      providers: [
        { provide: NOTIFIER_CONFIG, useValue: config },
        {
          provide: CHANNEL_PROVIDERS,
          inject: [Database],
          useFactory: (db: Database) => options.providers ?? createChannelProviders(channelConfigFromEnv(options.env ?? process.env), {
            sandboxSink: outboxSink(db),
            // Adapters report batch-level trouble (counts and codes only, never addresses).
            log: (level, message, fields) => channelLogger[level === 'info' ? 'log' : level](`${message} ${JSON.stringify(fields)}`),
            // The delivery rows are the print queue: a letter waits in state 'printing' for its batch.
            letterQueue: async () => undefined,
          }),
        },
        {
          provide: 'CHANNEL_PROVIDERS_CLOSER',
          inject: [CHANNEL_PROVIDERS],
          useFactory: (providers: ChannelProviders) => ({ onApplicationShutdown: () => closeChannelProviders(providers) }),
        },
        WorkerPresence,
        DeliveryRepository,
        NoticeComposer,
        ChannelWorker,
        CampaignDispatcher,
        ...announcementProviders,
        ...letterProviders(options.env ?? process.env),
      ],
    };
  }
}
