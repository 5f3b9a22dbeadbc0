import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type ChannelKind, type ChannelProviders, SandboxProvider, type SendOutcome, type OutboundByKind } from '#channels';
import { ChannelWorker } from '../../apps/notifier/src/fanout/channel-worker.js';
import { type NotifierConfig, notifierConfigFromEnv } from '../../apps/notifier/src/notifier-config.js';
import { NotifierModule } from '../../apps/notifier/src/notifier.module.js';

export type OutcomeRule = (kind: ChannelKind, message: OutboundByKind[ChannelKind]) => SendOutcome | undefined;

/** Sandbox providers kept in memory, with an optional rule that decides some outcomes (faults). */
export function memoryProviders(rule?: OutcomeRule): ChannelProviders & { all(): { kind: ChannelKind; deliveryId: string }[] } {
  const make = <K extends ChannelKind>(kind: K) => new SandboxProvider<K>(kind, { outcomeFor: rule ? (m) => rule(kind, m) : undefined });
  const providers = { email: make('email'), sms: make('sms'), push: make('push'), letter: make('letter') };
  return {
    ...providers,
    all: () => Object.values(providers).flatMap((p) => p.records.map((r) => ({ kind: r.kind, deliveryId: r.message.deliveryId }))),
  };
}

/**
 * A notifier in this process. Nest's Logger is shared by every app of a process, so the default
 * (`logger: false`) also silences an api started in the same test: pass the api's logger to keep its lines.
 */
export async function startNotifier(databaseUrl: string, providers: ChannelProviders | undefined, over: Partial<NotifierConfig> = {}, env: NodeJS.ProcessEnv = {}, logger: LoggerService | false = false): Promise<INestApplicationContext & { worker: ChannelWorker }> {
  const config = { ...notifierConfigFromEnv({ NOTIFIER_TICK_MS: '50', NOTIFIER_IDLE_MS: '20', NOTIFIER_RETRY_BASE_MS: '20', NOTIFIER_RETRY_MAX_MS: '200' }, databaseUrl), ...over };
  const app = await NestFactory.createApplicationContext(NotifierModule.forRoot(config, { providers, env }), { logger, abortOnError: false });
  await app.init();
  return Object.assign(app, { worker: app.get(ChannelWorker) });
}
