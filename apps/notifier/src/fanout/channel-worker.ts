import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CHANNEL_KINDS, type ChannelKind, type ChannelProvider, type ChannelProviders, type OutboundMessage, Semaphore, type SendOutcome } from '#channels';
import { CONFIG_ERROR_PAUSE_MS, nextReachableStep, type ReachableSubject, retriesExhausted, retryDelayMs } from '#domain';
import type { NotifierConfig } from '../notifier-config.js';
import { CHANNEL_PROVIDERS, NOTIFIER_CONFIG } from '../tokens.js';
import { WorkerPresence } from '../worker-presence.js';
import { type ClaimedDelivery, DeliveryRepository, type LeasedPart, type PartMember, type PartOutcome, type RecordedOutcome } from './delivery.repository.js';
import { AddressMissing, NoticeComposer } from './notice-composer.js';

const IDLE_QUEUE_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A claimed batch's lease as this worker knows it: renewed in the background until stopped. */
interface HeldLease {
  /** Local time by which the lease runs out unless renewed again. */
  until: number;
  /** Stops renewing; resolves once a renewal already in flight has settled. */
  stop(): Promise<void>;
}

/**
 * The send loops. Audience loops (`concurrency` of them) expand the next part of a running campaign's audience
 * straight into deliveries leased to them and send each channel's share at once: the first attempt of almost
 * everyone. Per channel, `concurrency` loops claim a provider-sized batch of what is queued (retries, fallbacks
 * to the next channel, requeued rows of a dead worker, a resumed channel's backlog). Either way a batch is
 * rendered, sent through the channel's provider, and every outcome written back in one statement.
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
  /** Idle loops, woken when deliveries are queued. */
  private readonly waiting = new Set<() => void>();
  /**
   * Batches of each channel in flight in this process, whichever loop sends them: `concurrency` at most. There
   * are more audience loops than that, so that one loop's database round trips (leasing, recording) overlap
   * another's sends instead of leaving the channel idle.
   */
  private readonly sending: Record<ChannelKind, Semaphore>;

  constructor(
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(NoticeComposer) private readonly composer: NoticeComposer,
    @Inject(CHANNEL_PROVIDERS) private readonly providers: ChannelProviders,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
    @Inject(WorkerPresence) private readonly presence: WorkerPresence,
  ) {
    this.sending = Object.fromEntries(CHANNEL_KINDS.map((kind) => [kind, new Semaphore(config.concurrency)])) as Record<ChannelKind, Semaphore>;
  }

  onApplicationBootstrap(): void {
    this.running = true;
    for (let i = 0; i < this.config.audienceLoops; i++) this.loops.push(this.loop('audience', () => this.expandOnce(), this.config.idleMs));
    // The queue is mostly empty while audiences are expanded and leased directly: its loops look less often
    // when idle (up to IDLE_QUEUE_MS), and are woken when this process queues something (a fallback, a retry).
    for (const kind of CHANNEL_KINDS) {
      for (let i = 0; i < this.config.concurrency; i++) this.loops.push(this.loop(kind, () => this.runOnce(kind), Math.max(IDLE_QUEUE_MS, this.config.idleMs)));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(name: string, round: () => Promise<boolean>, maxIdleMs: number): Promise<void> {
    let idleMs = this.config.idleMs;
    while (this.running) {
      try {
        if (await round()) {
          idleMs = this.config.idleMs;
        } else {
          await this.idle(idleMs);
          idleMs = Math.min(idleMs * 2, maxIdleMs);
        }
      } catch (error) {
        // The database may be restarting: leases protect the claimed rows; try again shortly.
        this.logger.warn(`${name} loop: ${(error as Error).message}`);
        await sleep(Math.max(500, this.config.idleMs));
      }
    }
  }

  /** Waits `ms`, or less when this process queues deliveries (see `record`). */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  /**
   * One round of an audience loop: a part whose worker died, else the next part of the first campaign still
   * being expanded, sent channel by channel in parallel and written once; false when there is neither.
   */
  async expandOnce(): Promise<boolean> {
    const orphan = await this.deliveries.leaseExpiredPart(this.presence.id, this.config.leaseSeconds);
    if (orphan) {
      this.logger.warn(`took over an audience part whose worker stopped mid-send (${orphan.members.length} people not recorded)`);
      await this.sendPart(orphan);
      return true;
    }
    const campaigns = await this.deliveries.expandingCampaigns();
    for (const campaignId of campaigns) {
      const part = await this.deliveries.leaseNextPart(campaignId, this.config.expandChunk, this.presence.id, this.config.leaseSeconds);
      if (!part) continue;
      if (part.members.length > 0) await this.sendPart(part);
      return true;
    }
    return false;
  }

  /**
   * A leased audience part: each channel's share goes out in parallel (in provider-sized batches); whoever a
   * channel failed for good (a bounce the provider reports at once, an invalid number) is sent on the next
   * channel of the chain that reaches them in the next round, until everyone has an outcome. Then every
   * member's delivery is written once, with it. Members of a paused channel are written queued, those no
   * channel reaches unreachable; in a cancelled campaign nothing is sent and the rest is written cancelled.
   */
  private async sendPart(part: LeasedPart): Promise<void> {
    this.stats.claimed += part.members.length;
    const outcomes: PartOutcome[] = [];
    const byId = new Map(part.members.map((m) => [m.id, m]));
    let shares = this.sharesOf(part, part.members, await this.pausedChannels(), outcomes);
    const lease = this.keepLeased('audience', () => this.deliveries.renewPartLease(part.id, this.presence.id, this.config.leaseSeconds));
    try {
      let failed: PromiseRejectedResult | undefined;
      while (shares.size > 0) {
        const results: RecordedOutcome[] = [];
        const settled = await Promise.allSettled([...shares].map(async ([kind, share]) => {
          const provider = this.providers[kind] as ChannelProvider;
          const size = this.batchLimit(provider);
          for (let i = 0; i < share.length; i += size) {
            this.stats.batches++;
            results.push(...await this.send(kind, provider, share.slice(i, i + size)));
          }
        }));
        failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        const fallingBack: PartMember[] = [];
        for (const o of results) {
          const m = byId.get(o.id)!;
          const next = o.result === 'permanent' && !failed && part.campaignStatus === 'running' ? nextReachableStep(part.chain, m.step, reachableOf(m)) : null;
          if (next === null) {
            outcomes.push(o);
            continue;
          }
          this.stats.failed++;
          (m.tried ??= []).push({ channel: m.channel, reason: o.reason, at: new Date().toISOString() });
          m.step = next;
          m.channel = part.chain[next - 1]!;
          fallingBack.push(m);
        }
        if (failed) break;
        // The channels paused as this process knows them: no database read between sending and recording, where
        // a database restart would lose the record of what was sent (and the part would be sent again).
        shares = this.sharesOf(part, fallingBack, this.paused, outcomes);
      }
      await lease.stop();
      // What went out is written even when another channel's share failed before sending; the part keeps the
      // rest, and is taken over once its lease runs out.
      await this.persist('audience', () => this.deliveries.recordPart(part, this.presence.id, outcomes, !failed), outcomes, lease);
      if (failed) throw failed.reason;
    } finally {
      await lease.stop();
    }
  }

  /** Members by the channel they are sent on next; those no channel reaches or held back get their outcome now. */
  private sharesOf(part: LeasedPart, members: readonly PartMember[], paused: ReadonlySet<string>, outcomes: PartOutcome[]): Map<ChannelKind, PartMember[]> {
    const shares = new Map<ChannelKind, PartMember[]>();
    for (const m of members) {
      if (m.step === null) {
        outcomes.push({ ...unsent(m, 'unreachable'), reason: 'no_contact_for_chain' });
      } else if (part.campaignStatus !== 'running' || paused.has(m.channel)) {
        outcomes.push(unsent(m, 'held'));
      } else {
        const share = shares.get(m.channel);
        if (share) share.push(m);
        else shares.set(m.channel, [m]);
      }
    }
    return shares;
  }

  /** One claim-send-record round; false when there was nothing to do. */
  async runOnce(kind: ChannelKind, provider: ChannelProvider = this.providers[kind] as ChannelProvider): Promise<boolean> {
    if (await this.isPaused(kind)) return false;
    const limit = this.batchLimit(provider);
    const claimed = await this.deliveries.claim(kind, limit, this.presence.id, this.config.leaseSeconds);
    if (claimed.length === 0) return false;
    this.stats.claimed += claimed.length;
    this.stats.batches++;
    const ids = claimed.map((d) => d.id);
    const lease = this.keepLeased(kind, () => this.deliveries.renewLeases(ids, this.presence.id, this.config.leaseSeconds));
    try {
      await this.sendAndRecord(kind, provider, claimed, lease);
    } finally {
      await lease.stop();
    }
    return true;
  }

  private async sendAndRecord(kind: ChannelKind, provider: ChannelProvider, claimed: ClaimedDelivery[], lease: HeldLease): Promise<void> {
    const outcomes = await this.send(kind, provider, claimed);
    // A renewal committing while the outcomes are written would give the rows new versions under the update
    // (which addresses them by ctid) and the outcomes would be skipped: stop renewing first. The lease has at
    // least two thirds of its time left, and recording gives up before it runs out.
    await lease.stop();
    await this.persist(kind, () => this.deliveries.recordOutcomes(this.presence.id, outcomes), outcomes, lease);
  }

  /** Renders and sends a batch of one channel; returns the outcomes to record (nothing is written yet). */
  private send(kind: ChannelKind, provider: ChannelProvider, claimed: ClaimedDelivery[]): Promise<RecordedOutcome[]> {
    return this.sending[kind].run(() => this.sendNow(kind, provider, claimed));
  }

  private async sendNow(kind: ChannelKind, provider: ChannelProvider, claimed: ClaimedDelivery[]): Promise<RecordedOutcome[]> {
    await this.composer.load(claimed.map((d) => d.campaign_id));

    const byId = new Map<string, ClaimedDelivery>();
    const messages: OutboundMessage[] = [];
    const outcomes: RecordedOutcome[] = [];
    for (const d of claimed) {
      byId.set(String(d.id), d);
      try {
        messages.push(this.composer.compose(d));
      } catch (error) {
        outcomes.push({ id: d.id, result: 'permanent', reason: error instanceof AddressMissing ? 'missing_address' : 'render_failed', delayMs: 0, providerMessageId: null, provider: provider.name });
      }
    }
    const sent = messages.length ? await provider.send(messages) : [];
    let configError: string | undefined;
    for (const outcome of sent) {
      const d = byId.get(outcome.deliveryId);
      if (!d) continue;
      const recorded = this.toRecorded(d, outcome, provider.name);
      if (outcome.result === 'config') configError = outcome.reason;
      outcomes.push(recorded);
    }
    if (configError) {
      await this.deliveries.pauseChannel(kind, provider.name, configError);
      this.paused.add(kind); // at once: the audience loops stop leasing rows to it
    }
    return outcomes;
  }

  /**
   * The messages are out: write their outcomes, retrying while the database is away (a restart) and the
   * lease still holds, so that a database blip does not send the whole batch again.
   */
  private async persist(loop: string, write: () => Promise<unknown>, outcomes: readonly { result: string }[], lease: HeldLease): Promise<void> {
    for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2000)) {
      try {
        await write();
        break;
      } catch (error) {
        if (!this.running || Date.now() + waitMs >= lease.until) throw error;
        this.logger.warn(`${loop}: recording ${outcomes.length} outcomes failed, retrying: ${(error as Error).message}`);
        await sleep(waitMs);
      }
    }
    let queued = false;
    for (const o of outcomes) {
      if (o.result === 'sent' || o.result === 'delivered') this.stats.sent++;
      else if (o.result === 'permanent') this.stats.failed++;
      else if (o.result === 'retry' || o.result === 'config') this.stats.retried++;
      queued ||= o.result === 'permanent' || o.result === 'retry';
    }
    // A permanent failure may have queued the next channel: its loops look now rather than after their idle wait.
    if (queued) for (const wake of [...this.waiting]) wake();
  }

  /**
   * Renews the lease on a claimed batch every third of the lease while it is sent and recorded: a batch can
   * take longer than the lease (a slow or timing-out provider), and a live worker's rows must not be
   * requeued and sent a second time by someone else. Only a dead (or frozen) worker lets its leases run out.
   */
  private keepLeased(loop: string, renew: () => Promise<unknown>): HeldLease {
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
      inFlight = renew().then(
        () => void (lease.until = renewing + leaseMs),
        (error) => this.logger.warn(`${loop} lease renewal: ${(error as Error).message}`),
      );
    }, Math.max(200, leaseMs / 3));
    return lease;
  }

  private toRecorded(d: ClaimedDelivery, o: SendOutcome, provider: string): RecordedOutcome {
    switch (o.result) {
      case 'sent':
        return { id: d.id, result: 'sent', reason: null, delayMs: 0, providerMessageId: o.providerMessageId, provider };
      case 'retry':
        if (retriesExhausted(d.attempts, this.config.retry)) {
          return { id: d.id, result: 'permanent', reason: `retries_exhausted:${o.reason}`, delayMs: 0, providerMessageId: null, provider };
        }
        return { id: d.id, result: 'retry', reason: o.reason, delayMs: retryDelayMs(d.attempts, this.config.retry, o.retryAfterMs, Math.random()), providerMessageId: null, provider };
      case 'permanent':
        return { id: d.id, result: 'permanent', reason: o.reason, delayMs: 0, providerMessageId: null, provider };
      case 'config':
        return { id: d.id, result: 'config', reason: o.reason, delayMs: CONFIG_ERROR_PAUSE_MS, providerMessageId: null, provider };
    }
  }

  /** Messages a batch takes: the configured size, capped by what the provider takes in one call. */
  private batchLimit(provider: ChannelProvider): number {
    return Math.min(this.config.batchSize, provider.maxBatch);
  }

  private async isPaused(kind: ChannelKind): Promise<boolean> {
    return (await this.pausedChannels()).has(kind);
  }

  /** Channels stopped by a configuration error (read at most once a second). */
  private async pausedChannels(): Promise<Set<string>> {
    if (Date.now() - this.pausedCheckedAt > 1000) {
      this.paused = await this.deliveries.pausedChannels();
      this.pausedCheckedAt = Date.now();
    }
    return this.paused;
  }
}

/** A part member written without being sent. */
function unsent(m: PartMember, result: 'held' | 'unreachable'): PartOutcome {
  return { id: m.id, result, reason: null, delayMs: 0, providerMessageId: null, provider: '' };
}

/** What decides which channels reach a member. */
function reachableOf(m: PartMember): ReachableSubject {
  return {
    email: m.email, phone: m.phone, pushTokens: m.push_tokens, postalAddress: m.postal_address, isMinor: m.is_minor, guardianEmail: m.guardian_email, guardianPhone: m.guardian_phone,
  };
}
