import { type ChannelKind, type ChannelProvider, type OutboundByKind, REASONS, type SendOutcome } from '../channel.js';
import { applyEmailSubstitutions } from '../email/substitutions.js';
import { retry } from '../outcomes.js';

export interface SandboxRecord<K extends ChannelKind = ChannelKind> {
  kind: K;
  message: OutboundByKind[K];
  providerMessageId: string;
  recordedAt: Date;
}

/** Where recorded messages go; the notifier passes one that inserts them into its outbox table. */
export type SandboxSink<K extends ChannelKind = ChannelKind> = (records: readonly SandboxRecord<K>[]) => Promise<void>;

export interface SandboxOptions<K extends ChannelKind> {
  /** Without a sink the records stay in memory (see `records`). */
  sink?: SandboxSink<K>;
  maxBatch?: number;
  /** Lets a test or a demo decide some outcomes (e.g. a permanent failure for one address); undefined = sent. */
  outcomeFor?: (message: OutboundByKind[K]) => SendOutcome | undefined;
}

/**
 * The channel used until provider credentials are configured: every message is recorded, none leaves
 * the process, and 'sent' means "recorded". No I/O of its own.
 */
export class SandboxProvider<K extends ChannelKind = ChannelKind> implements ChannelProvider<K> {
  readonly name = 'sandbox';
  readonly maxBatch: number;
  private readonly memory: SandboxRecord<K>[] = [];
  private sequence = 0;

  constructor(
    readonly kind: K,
    private readonly options: SandboxOptions<K> = {},
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
  }

  /** Messages recorded in memory (only when no sink was given). */
  get records(): readonly SandboxRecord<K>[] {
    return this.memory;
  }

  clear(): void {
    this.memory.length = 0;
  }

  async send(batch: readonly OutboundByKind[K][]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array(batch.length);
    const records: SandboxRecord<K>[] = [];
    const positions: number[] = [];
    const recordedAt = new Date();
    batch.forEach((message, index) => {
      const decided = this.options.outcomeFor?.(message);
      if (decided && decided.result !== 'sent') {
        outcomes[index] = decided;
        return;
      }
      const providerMessageId = `sandbox-${this.kind}-${++this.sequence}`;
      // Recorded as the recipient would read it: an e-mail template gets its substitutions applied.
      const read = this.kind === 'email' ? (applyEmailSubstitutions(message as OutboundByKind['email']) as OutboundByKind[K]) : message;
      records.push({ kind: this.kind, message: read, providerMessageId, recordedAt });
      positions.push(index);
      outcomes[index] = { deliveryId: message.deliveryId, result: 'sent', providerMessageId };
    });
    if (records.length === 0) return outcomes;
    if (!this.options.sink) {
      this.memory.push(...records);
      return outcomes;
    }
    try {
      await this.options.sink(records);
    } catch {
      for (const index of positions) outcomes[index] = retry(batch[index]!.deliveryId, REASONS.queueUnavailable);
    }
    return outcomes;
  }
}
