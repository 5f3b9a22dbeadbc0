import { randomUUID } from 'node:crypto';
import type { Agent } from 'node:http';
import https from 'node:https';
import { type App, cert, type Credential, deleteApp, initializeApp } from 'firebase-admin/app';
import { getMessaging, type Message, type Messaging } from 'firebase-admin/messaging';
import { type ChannelLog, type PushMessage, type PushProvider, REASONS, type SendOutcome, silentLog } from '../../channel.js';
import { permanent, retry, withDeadline } from '../../outcomes.js';
import { reveal, type Secret } from '../../secret.js';
import { classifyFcmError } from './fcm-errors.js';
import { installFcmHttp2Redirect, RedirectingHttpsAgent, withFcmRedirect } from './fcm-redirect.js';

export const FCM_MAX_BATCH = 500;

export type FcmCredentialSource =
  /** A Google service-account JSON file (production). */
  | { serviceAccountPath: string }
  /** A fixed OAuth bearer token: offline, for stubs and benchmarks only (needs baseUrl). */
  | { accessToken: string | Secret }
  /** Any firebase-admin Credential (tests, ADC). */
  | { credential: Credential };

export interface FcmOptions {
  /** Optional with a service account (its project_id is used). */
  projectId?: string;
  auth: FcmCredentialSource;
  /** Redirect target for a stub (http://127.0.0.1:port). Unset: the real fcm.googleapis.com. */
  baseUrl?: string;
  /** 'http2' (firebase-admin's default for sendEach) or 'http1' (legacy transport over a keep-alive agent). */
  transport?: 'http2' | 'http1';
  /**
   * Deadline for one sendEach call. firebase-admin's own timeout is a fixed 15 s per request with up to
   * 4 retries on ETIMEDOUT/ECONNRESET/503, and it offers no per-request abort, so when this deadline passes
   * every message of the batch becomes 'retry' (reason 'timeout'), including ones FCM may have accepted:
   * duplicates are bounded by one batch.
   */
  timeoutMs?: number;
  /** HTTP/1.1 keep-alive sockets (transport 'http1'). */
  maxSockets?: number;
  log?: ChannelLog;
}

/** Push through FCM HTTP v1 with firebase-admin `sendEach` (one POST per message, ≤ 500 per call). */
export class FcmPushProvider implements PushProvider {
  readonly kind = 'push' as const;
  readonly name = 'fcm';
  readonly maxBatch = FCM_MAX_BATCH;
  readonly transport: 'http2' | 'http1';
  private readonly app: App;
  private readonly messaging: Messaging;
  private readonly target: URL | undefined;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly log: ChannelLog;

  constructor(options: FcmOptions) {
    this.transport = options.transport ?? 'http2';
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.log = options.log ?? silentLog;
    this.target = options.baseUrl ? new URL(options.baseUrl) : undefined;
    const maxSockets = options.maxSockets ?? 64;
    this.agent = this.target
      ? new RedirectingHttpsAgent(this.target, { maxSockets, maxFreeSockets: maxSockets })
      : new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.app = initializeApp(
      { ...(options.projectId ? { projectId: options.projectId } : {}), credential: credentialFrom(options.auth, this.target), httpAgent: this.agent },
      `tocsin-fcm-${randomUUID()}`,
    );
    this.messaging = getMessaging(this.app);
    if (this.transport === 'http1') this.messaging.enableLegacyHttpTransport();
    if (this.target) installFcmHttp2Redirect();
  }

  async send(batch: readonly PushMessage[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array(batch.length);
    const chunks: number[][] = [[]];
    batch.forEach((message, index) => {
      if (!message.token) {
        outcomes[index] = permanent(message.deliveryId, REASONS.missingAddress);
        return;
      }
      if (chunks[chunks.length - 1]!.length >= FCM_MAX_BATCH) chunks.push([]);
      chunks[chunks.length - 1]!.push(index);
    });
    for (const chunk of chunks) if (chunk.length > 0) await this.sendChunk(chunk, batch, outcomes);
    return outcomes;
  }

  async close(): Promise<void> {
    await deleteApp(this.app);
    this.agent.destroy();
  }

  private async sendChunk(indexes: number[], batch: readonly PushMessage[], outcomes: SendOutcome[]): Promise<void> {
    const messages = indexes.map((index) => toFcmMessage(batch[index]!));
    try {
      const sending = withFcmRedirect(this.target, () => {
        try {
          return this.messaging.sendEach(messages);
        } catch (error) {
          return Promise.reject(error); // sendEach validates its argument synchronously
        }
      });
      const response = await withDeadline(sending, this.timeoutMs);
      response.responses.forEach((result, i) => {
        const deliveryId = batch[indexes[i]!]!.deliveryId;
        outcomes[indexes[i]!] = result.success
          ? { deliveryId, result: 'sent', providerMessageId: result.messageId ?? '' }
          : classifyFcmError(deliveryId, result.error);
      });
      if (response.failureCount > 0) {
        const first = response.responses.find((r) => !r.success)?.error?.code;
        this.log('warn', 'fcm messages failed', { provider: this.name, messages: messages.length, failed: response.failureCount, code: first });
      }
    } catch (error) {
      // The whole call failed: deadline passed, HTTP/2 session error, or invalid arguments.
      const code = (error as { code?: unknown }).code;
      this.log('warn', 'fcm sendEach failed', { provider: this.name, messages: messages.length, code: typeof code === 'string' ? code : undefined });
      for (const index of indexes) {
        const deliveryId = batch[index]!.deliveryId;
        outcomes[index] = code === 'ETIMEDOUT' ? retry(deliveryId, REASONS.timeout) : classifyFcmError(deliveryId, error);
      }
    }
  }
}

function toFcmMessage(message: PushMessage): Message {
  const data: Record<string, string> = { delivery_id: message.deliveryId };
  if (message.link) data.link = message.link;
  const fcm: Message = { token: message.token, notification: { title: message.title, body: message.body }, data, android: { priority: 'high' } };
  if (message.link?.startsWith('https://')) fcm.webpush = { fcmOptions: { link: message.link } };
  return fcm;
}

function credentialFrom(source: FcmCredentialSource, target: URL | undefined): Credential {
  if ('credential' in source) return source.credential;
  if ('serviceAccountPath' in source) return cert(source.serviceAccountPath);
  if (!target) throw new Error('A fixed FCM access token is only for a stub (set the FCM base URL)');
  const token = reveal(source.accessToken);
  return { getAccessToken: async () => ({ access_token: token, expires_in: 3600 }) };
}
