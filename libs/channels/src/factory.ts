import type { ChannelKind, ChannelLog, ChannelProvider } from './channel.js';
import type { ChannelConfig } from './config.js';
import { SendGridEmailProvider } from './email/sendgrid/sendgrid-email.provider.js';
import { type PrintQueueSink, PrintQueueLetterProvider } from './letter/print-queue/print-queue-letter.provider.js';
import { FcmPushProvider } from './push/fcm/fcm-push.provider.js';
import { SandboxProvider, type SandboxSink } from './sandbox/sandbox.provider.js';
import { TwilioSmsProvider } from './sms/twilio/twilio-sms.provider.js';

export type ChannelProviders = { [K in ChannelKind]: ChannelProvider<K> };

export interface ChannelDependencies {
  /** Where sandboxed messages go (the notifier's outbox table); in memory when absent. */
  sandboxSink?: SandboxSink;
  /** Where letters are queued for printing; required when LETTER_PROVIDER=print-queue. */
  letterQueue?: PrintQueueSink;
  log?: ChannelLog;
}

/** One provider per channel kind, chosen by the configuration (sandbox where nothing is configured). */
export function createChannelProviders(config: ChannelConfig, deps: ChannelDependencies = {}): ChannelProviders {
  const sandbox = <K extends ChannelKind>(kind: K) => new SandboxProvider<K>(kind, deps.sandboxSink ? { sink: deps.sandboxSink } : {});
  const { email, sms, push, letter } = config;
  const log = deps.log;
  return {
    email: email.provider === 'sendgrid'
      ? new SendGridEmailProvider({ apiKey: email.apiKey, from: email.from, baseUrl: email.baseUrl, timeoutMs: email.timeoutMs, log })
      : sandbox('email'),
    sms: sms.provider === 'twilio'
      ? new TwilioSmsProvider({
          accountSid: sms.accountSid, authToken: sms.authToken, from: sms.from, messagingServiceSid: sms.messagingServiceSid,
          baseUrl: sms.baseUrl, statusCallbackUrl: sms.statusCallbackUrl, concurrency: sms.concurrency, timeoutMs: sms.timeoutMs, log,
        })
      : sandbox('sms'),
    push: push.provider === 'fcm'
      ? new FcmPushProvider({
          projectId: push.projectId,
          auth: push.serviceAccountPath ? { serviceAccountPath: push.serviceAccountPath } : { accessToken: push.accessToken! },
          baseUrl: push.baseUrl, transport: push.transport, timeoutMs: push.timeoutMs, log,
        })
      : sandbox('push'),
    letter: letter.provider === 'print-queue'
      ? new PrintQueueLetterProvider({ enqueue: requireQueue(deps.letterQueue), log })
      : sandbox('letter'),
  };
}

function requireQueue(queue: PrintQueueSink | undefined): PrintQueueSink {
  if (!queue) throw new Error('LETTER_PROVIDER=print-queue needs a letter queue from the notifier');
  return queue;
}

/** Closes every provider (sockets, SDK apps). */
export async function closeChannelProviders(providers: ChannelProviders): Promise<void> {
  await Promise.all(Object.values(providers).map((provider) => provider.close?.()));
}
