import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CHANNEL_KINDS, type ChannelKind, type ChannelProvider, type ChannelProviders, type OutboundMessage, type SendOutcome } from '#channels';
import { retriesExhausted, retryDelayMs } from '#domain';
import type { NotifierConfig } from '../notifier-config.js';
import { CHANNEL_PROVIDERS, NOTIFIER_CONFIG } from '../tokens.js';
import { WorkerPresence } from '../worker-presence.js';
import { type ClaimedDelivery, DeliveryRepository, type RecordedOutcome } from './delivery.repository.js';
import { AddressMissing, NoticeComposer } from './notice-composer.js';

const CONFIG_PAUSE_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A claimed batch's lease as this worker knows it: renewed in the background until stopped. */
interface HeldLease {
  /** Local time by which the lease runs out unless renewed again. */
  until: number;
  /** Stops renewing; resolves once a renewal already in flight has settled. */
  stop(): Promise<void>;
}

/**
 * The send loops: per channel, `concurrency` loops each claim a provider-sized batch, render it, send it
 * through the channel's provider, and write every outcome back in one statement.
 */
@Injectable()
export class ChannelWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ChannelWorker');
  private running = false;
  private readonly loops: Promise<void>[] = [];
  private paused = new Set<string>();
  private pausedCheckedAt = 0;
  /** Figures for this process (tests and benchmarks read them). */
  readonly stats = { claimed: 0, sent: 0, retried: 0, failed: 0, batches: 0 };

  constructor(
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(NoticeComposer) private readonly composer: NoticeComposer,
    @Inject(CHANNEL_PROVIDERS) private readonly providers: ChannelProviders,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(WorkerPresence) private readonly presence: WorkerPresence,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    for (const kind of CHANNEL_KINDS) {
      for (let i = 0; i < this.config.concurrency; i++) this.loops.push(this.loop(kind));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(kind: ChannelKind): Promise<void> {
    const provider = this.providers[kind] as ChannelProvider;
    while (this.running) {
      try {
        const worked = await this.runOnce(kind, provider);
        if (!worked) await sleep(this.config.idleMs);
      } catch (error) {
        // The database may be restarting: leases protect the claimed rows; try again shortly.
        this.logger.warn(`${kind} loop: ${(error as Error).message}`);
        await sleep(Math.max(500, this.config.idleMs));
      }
    }
  }

  /** One claim-send-record round; false when there was nothing to do. */
  async runOnce(kind: ChannelKind, provider: ChannelProvider = this.providers[kind] as ChannelProvider): Promise<boolean> {
    if (await this.isPaused(kind)) return false;
    const limit = Math.min(this.config.batchSize, provider.maxBatch);
    const claimed = await this.deliveries.claim(kind, limit, this.presence.id, this.config.leaseSeconds);
    if (claimed.length === 0) return false;
    this.stats.claimed += claimed.length;
    this.stats.batches++;
    const lease = this.keepLeased(kind, claimed.map((d) => d.id));
    try {
      await this.sendAndRecord(kind, provider, claimed, lease);
    } finally {
      await lease.stop();
    }
    return true;
  }

  private async sendAndRecord(kind: ChannelKind, provider: ChannelProvider, claimed: ClaimedDelivery[], lease: HeldLease): Promise<void> {
    await this.composer.load(claimed.map((d) => d.campaign_id));

    const byId = new Map<string, ClaimedDelivery>();
    const messages: OutboundMessage[] = [];
    const outcomes: RecordedOutcome[] = [];
    for (const d of claimed) {
      byId.set(String(d.id), d);
      try {
        messages.push(this.composer.compose(d));
      } catch (error) {
        outcomes.push({ id: d.id, result: 'permanent', reason: error instanceof AddressMissing ? 'missing_address' : 'render_failed', delayMs: 0, providerMessageId: null });
      }
    }
    const sent = messages.length ? await provider.send(messages) : [];
    let configError: string | undefined;
    for (const outcome of sent) {
      const d = byId.get(outcome.deliveryId);
      if (!d) continue;
      const recorded = this.toRecorded(d, outcome);
      if (outcome.result === 'config') configError = outcome.reason;
      outcomes.push(recorded);
    }
    if (configError) await this.deliveries.pauseChannel(kind, provider.name, configError);
    // A renewal committing while the outcomes are written would give the rows new versions under the update
    // (which addresses them by ctid) and the outcomes would be skipped: stop renewing first. The lease has at
    // least two thirds of its time left, and recording gives up before it runs out.
    await lease.stop();
    await this.record(kind, provider.name, outcomes, lease);
    for (const o of outcomes) {
      if (o.result === 'sent') this.stats.sent++;
      else if (o.result === 'permanent') this.stats.failed++;
      else this.stats.retried++;
    }
  }

  /**
   * Renews the lease on a claimed batch every third of the lease while it is sent and recorded: a batch can
   * take longer than the lease (a slow or timing-out provider), and a live worker's rows must not be
   * requeued and sent a second time by someone else. Only a dead (or frozen) worker lets its leases run out.
   */
  private keepLeased(kind: ChannelKind, ids: number[]): HeldLease {
    const leaseMs = this.config.leaseSeconds * 1000;
    let inFlight: Promise<void> = Promise.resolve();
    const lease: HeldLease = {
      until: Date.now() + leaseMs,
      stop: () => {
        clearInterval(timer);
        return inFlight;
      },
    };
    const timer = setInterval(() => {
      const renewing = Date.now();
      inFlight = this.deliveries.renewLeases(ids, this.presence.id, this.config.leaseSeconds).then(
        () => void (lease.until = renewing + leaseMs),
        (error) => this.logger.warn(`${kind} lease renewal: ${(error as Error).message}`),
      );
    }, Math.max(200, leaseMs / 3));
    return lease;
  }

  /**
   * The messages are out: write their outcomes, retrying while the database is away (a restart) and the
   * lease still holds, so that a database blip does not send the whole batch again.
   */
  private async record(kind: ChannelKind, provider: string, outcomes: RecordedOutcome[], lease: HeldLease): Promise<void> {
    for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2000)) {
      try {
        await this.deliveries.recordOutcomes(this.presence.id, provider, outcomes);
        return;
      } catch (error) {
        if (!this.running || Date.now() + waitMs >= lease.until) throw error;
        this.logger.warn(`${kind}: recording ${outcomes.length} outcomes failed, retrying: ${(error as Error).message}`);
        await sleep(waitMs);
      }
    }
  }

  private toRecorded(d: ClaimedDelivery, o: SendOutcome): RecordedOutcome {
    switch (o.result) {
      case 'sent':
        return { id: d.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: o.providerMessageId };
      case 'retry':
        if (retriesExhausted(d.attempts, this.config.retry)) {
          return { id: d.id, result: 'permanent', reason: `retries_exhausted:${o.reason}`, delayMs: 0, providerMessageId: null };
        }
        return { id: d.id, result: 'retry', reason: o.reason, delayMs: retryDelayMs(d.attempts, this.config.retry, o.retryAfterMs, Math.random()), providerMessageId: null };
      case 'permanent':
        return { id: d.id, result: 'permanent', reason: o.reason, delayMs: 0, providerMessageId: null };
      case 'config':
        return { id: d.id, result: 'config', reason: o.reason, delayMs: CONFIG_PAUSE_MS, providerMessageId: null };
    }
  }

  private async isPaused(kind: ChannelKind): Promise<boolean> {
    if (Date.now() - this.pausedCheckedAt > 1000) {
      this.paused = await this.deliveries.pausedChannels();
      this.pausedCheckedAt = Date.now();
    }
    return this.paused.has(kind);
  }
}
