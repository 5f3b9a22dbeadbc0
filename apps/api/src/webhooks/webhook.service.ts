import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ChannelKind, firstString, mapSendGridEvents, mapTwilioStatus, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER,
  type StatusUpdate, TWILIO_SIGNATURE_HEADER, type TwilioParams, verifySendGridWebhook, verifyTwilioWebhook, type WebhookVerdict,
} from '#channels';
import { AuditTrail, Database } from '#database';
import { SYSTEM_ACTOR } from '#domain';
import { Problem } from '../common/problem.js';
import { WEBHOOK_CONFIG, type WebhookConfig } from './webhook-config.js';
import { type DeliveryAction, WebhookRepository, type WebhookEventRecord } from './webhook.repository.js';

export interface WebhookResult {
  /** Events in the post. */
  received: number;
  /** New events, recorded (and applied where they change a delivery). */
  recorded: number;
  /** Events already recorded before (replays), acknowledged and not applied again. */
  duplicates: number;
  /** Events we cannot use: no event id, or an event kind we do not track. */
  ignored: number;
  /** Deliveries whose state changed. */
  applied: number;
}

type Headers = Record<string, string | string[] | undefined>;

const EVENT_ID = /^[\x21-\x7e]{1,200}$/;
const DELIVERY_ID = /^[1-9]\d{0,15}$/;
/** Which event wins when one post carries several for a delivery (a bounce after "delivered" wins). */
const PRIORITY: Partial<Record<StatusUpdate['status'], number>> = { failed: 3, config: 2, delivered: 1 };
const RETRYABLE_PG = new Set(['40P01', '40001']);

function notConfigured(provider: string, variable: string): Problem {
  return new Problem(503, 'webhook-not-configured', 'This webhook is not configured',
    `The ${provider} webhook is off: set ${variable} on the api. Nothing was changed.`);
}

function unauthenticated(verdict: Exclude<WebhookVerdict, { ok: true }>): Problem {
  return new Problem(401, 'bad-webhook-signature', 'The webhook signature is not valid',
    `The request was refused (${verdict.reason}); nothing was changed.`);
}

function deliveryIdOf(value: string | null): number | null {
  return value && DELIVERY_ID.test(value) ? Number(value) : null;
}

function validDate(value: Date | null): Date | null {
  return value && !Number.isNaN(value.getTime()) ? value : null;
}

/**
 * Provider delivery webhooks: the signature is the only authentication. Events are recorded by their
 * provider event id (a replay is acknowledged, not applied twice) and applied to deliveries set-wise, in
 * one transaction per post. Logs carry counts and reason codes only.
 */
@Injectable()
export class WebhookService {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(WebhookRepository) private readonly repository: WebhookRepository,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
  ) {}

  requireSendGrid(): NonNullable<WebhookConfig['sendgrid']> {
    if (!this.config.sendgrid) throw notConfigured('SendGrid', 'SENDGRID_WEBHOOK_PUBLIC_KEY');
    return this.config.sendgrid;
  }

  requireTwilio(): NonNullable<WebhookConfig['twilio']> {
    if (!this.config.twilio) throw notConfigured('Twilio', 'TWILIO_AUTH_TOKEN (with TWILIO_ACCOUNT_SID and a sender)');
    return this.config.twilio;
  }

  /** SendGrid Event Webhook: `rawBody` exactly as received (it is what SendGrid signs), `payload` its JSON. */
  async sendGrid(rawBody: Buffer | undefined, payload: unknown, headers: Headers): Promise<WebhookResult> {
    const config = this.requireSendGrid();
    if (!rawBody) throw Problem.validation([{ field: 'content-type', reason: 'must be application/json (the Event Webhook posts a JSON array)' }]);
    const verdict = verifySendGridWebhook({
      publicKey: config.key, rawBody, toleranceSeconds: config.toleranceSeconds,
      signature: headers[SENDGRID_SIGNATURE_HEADER], timestamp: headers[SENDGRID_TIMESTAMP_HEADER],
    });
    if (!verdict.ok) {
      this.logger.warn(`sendgrid webhook refused: ${verdict.reason}`);
      throw unauthenticated(verdict);
    }
    if (!Array.isArray(payload)) throw Problem.validation([{ field: 'body', reason: 'must be a JSON array of events' }]);

    const records: (WebhookEventRecord & { providerMessageId: string | null })[] = [];
    let ignored = 0;
    for (const event of payload) {
      const eventId = event && typeof event === 'object' ? firstString((event as Record<string, unknown>).sg_event_id) : undefined;
      const update = mapSendGridEvents([event])[0];
      if (!eventId || !EVENT_ID.test(eventId) || !update) {
        ignored++;
        continue;
      }
      records.push(this.record(eventId, update));
    }
    const result = await this.apply('sendgrid', 'email', records);
    return { received: payload.length, ...result, ignored: ignored + result.ignored };
  }

  /**
   * Twilio status callback: `url` is the public URL Twilio posted to (what it signs), `params` the form.
   * The event key is MessageSid:status, so a replayed callback is idempotent.
   */
  async twilio(urls: string[], params: TwilioParams, headers: Headers): Promise<WebhookResult> {
    const config = this.requireTwilio();
    const signature = headers[TWILIO_SIGNATURE_HEADER];
    let verdict: WebhookVerdict = { ok: false, reason: 'bad_signature' };
    for (const url of urls) {
      verdict = verifyTwilioWebhook({ authToken: config.authToken, signature, url, params });
      if (verdict.ok || verdict.reason === 'missing_signature') break;
    }
    if (!verdict.ok) {
      this.logger.warn(`twilio webhook refused: ${verdict.reason}`);
      throw unauthenticated(verdict);
    }
    const sid = firstString(params.MessageSid) ?? firstString(params.SmsSid);
    const status = firstString(params.MessageStatus) ?? firstString(params.SmsStatus);
    const errors = [];
    if (!sid || !/^[A-Z]{2}[0-9a-fA-F]{32}$/.test(sid)) errors.push({ field: 'MessageSid', reason: 'is required: a Twilio message SID' });
    if (!status || !/^[a-z_]{1,40}$/.test(status)) errors.push({ field: 'MessageStatus', reason: 'is required: a Twilio message status' });
    if (errors.length) throw Problem.validation(errors);
    const update = mapTwilioStatus(params, urls[0]);
    if (!update) return { received: 1, recorded: 0, duplicates: 0, ignored: 1, applied: 0 };
    const record = this.record(`${sid}:${status}`, update);
    // A status callback set on a Messaging Service (not per message) has no delivery_id: find it by the SID.
    if (record.deliveryId === null) record.deliveryId = await this.repository.deliveryByTwilioSid(this.db, sid!);
    const result = await this.apply('twilio', 'sms', [record]);
    return { received: 1, ...result };
  }

  private record(eventId: string, update: StatusUpdate): WebhookEventRecord & { providerMessageId: string | null } {
    return {
      eventId,
      deliveryId: deliveryIdOf(update.deliveryId),
      event: update.event.slice(0, 60),
      status: update.status,
      reason: update.reason,
      occurredAt: validDate(update.occurredAt),
      providerMessageId: update.providerMessageId?.slice(0, 200) ?? null,
    };
  }

  /** Records the events and applies the new ones, in one transaction (tried up to 3 times on a deadlock). */
  private async apply(provider: string, channel: ChannelKind, records: (WebhookEventRecord & { providerMessageId: string | null })[]): Promise<Omit<WebhookResult, 'received'>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.db.transaction(async (tx) => {
          const fresh = await this.repository.recordEvents(tx, provider, records);
          // The same event id twice in one post counts once.
          const seen = new Set<string>();
          const newRecords = records.filter((r) => fresh.has(r.eventId) && !seen.has(r.eventId) && seen.add(r.eventId));
          const actions = new Map<number, DeliveryAction>();
          for (const r of newRecords) {
            const priority = PRIORITY[r.status as StatusUpdate['status']];
            if (r.deliveryId === null || !priority) continue;
            const current = actions.get(r.deliveryId);
            if (current && (PRIORITY[current.action] ?? 0) >= priority) continue;
            actions.set(r.deliveryId, {
              deliveryId: r.deliveryId, action: r.status as DeliveryAction['action'], reason: r.reason, occurredAt: r.occurredAt, providerMessageId: r.providerMessageId,
            });
          }
          const early = await this.repository.holdEarlyActions(tx, provider, channel, [...actions.values()]);
          const applied = await this.repository.applyActions(tx, provider, channel, [...actions.values()].filter((a) => !early.has(a.deliveryId)));
          // A late bounce on a finished campaign sends the person on to the next channel: the campaign runs
          // again until that delivery ends, and its summary is recomputed when it completes.
          const requeued = applied.filter((a) => a.state === 'queued').map((a) => a.id);
          for (const c of await this.repository.reopenCompletedCampaigns(tx, requeued)) {
            await this.audit.record(tx, SYSTEM_ACTOR, { action: 'campaign.reopened', entityType: 'notice_campaign', entityId: c.id, incidentId: c.incident_id, after: { reason: `${provider} reported a failed delivery after completion` } });
          }
          const configId = applied.find((a) => a.action === 'config')?.id ?? [...early].find((id) => actions.get(id)?.action === 'config');
          if (configId !== undefined) {
            const reason = actions.get(configId)?.reason ?? 'provider_config';
            if (await this.repository.pauseChannel(tx, channel, provider, reason)) this.logger.error(`${channel} channel (${provider}) stopped by a webhook: ${reason}`);
          }
          return { recorded: newRecords.length, duplicates: records.length - fresh.size, ignored: 0, applied: applied.length + early.size };
        });
        this.logger.log(`${provider} webhook: ${records.length} events, ${result.recorded} new, ${result.duplicates} replayed, ${result.applied} deliveries updated`);
        return result;
      } catch (error) {
        if (attempt < 3 && RETRYABLE_PG.has(String((error as { code?: unknown })?.code ?? (error as { driverError?: { code?: unknown } })?.driverError?.code))) continue;
        throw error;
      }
    }
  }
}
