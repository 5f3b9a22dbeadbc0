import { type ChannelLog, type LetterMessage, type LetterProvider, REASONS, type SendOutcome, silentLog } from '../../channel.js';
import { permanent, retry } from '../../outcomes.js';

/** Stores letters for the next print batch (the notifier writes them to its letter queue table). */
export type PrintQueueSink = (letters: readonly LetterMessage[]) => Promise<void>;

export interface PrintQueueOptions {
  enqueue: PrintQueueSink;
  maxBatch?: number;
  log?: ChannelLog;
}

/**
 * Letters are not sent through an API: they are queued for a print batch that is produced later.
 * Here 'sent' means "accepted into the print queue" and providerMessageId is `print-queue:<deliveryId>`;
 * whether the letter is printed and posted is tracked by the print batch, not by this adapter.
 * A letter without an address or rendered document is 'permanent'; a failing queue makes the batch 'retry'.
 */
export class PrintQueueLetterProvider implements LetterProvider {
  readonly kind = 'letter' as const;
  readonly name = 'print-queue';
  readonly maxBatch: number;
  private readonly enqueue: PrintQueueSink;
  private readonly log: ChannelLog;

  constructor(options: PrintQueueOptions) {
    this.enqueue = options.enqueue;
    this.maxBatch = options.maxBatch ?? 1000;
    this.log = options.log ?? silentLog;
  }

  async send(batch: readonly LetterMessage[]): Promise<SendOutcome[]> {
    const outcomes: SendOutcome[] = new Array(batch.length);
    const accepted: number[] = [];
    batch.forEach((letter, index) => {
      if (!letter.postalAddress?.trim()) outcomes[index] = permanent(letter.deliveryId, REASONS.missingAddress);
      else if (!letter.documentRef) outcomes[index] = permanent(letter.deliveryId, REASONS.missingDocument);
      else accepted.push(index);
    });
    if (accepted.length === 0) return outcomes;
    try {
      await this.enqueue(accepted.map((index) => batch[index]!));
      for (const index of accepted) {
        const deliveryId = batch[index]!.deliveryId;
        outcomes[index] = { deliveryId, result: 'sent', providerMessageId: `print-queue:${deliveryId}` };
      }
    } catch {
      this.log('warn', 'print queue unavailable', { provider: this.name, messages: accepted.length });
      for (const index of accepted) outcomes[index] = retry(batch[index]!.deliveryId, REASONS.queueUnavailable);
    }
    return outcomes;
  }
}
