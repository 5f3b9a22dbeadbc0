import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditTrail, Database } from '#database';
import { SYSTEM_ACTOR } from '#domain';
import { gatherAllPrintBatches } from '#records';
import { PRINT_BATCH_SETTINGS, type PrintBatchSettings } from '#records';

/**
 * Every `intervalMs`, gathers the letters waiting in `printing` into print batches (created_by null: the
 * scheduler). Any number of notifier processes may run it at once: gathering locks letters with SKIP LOCKED,
 * so no letter ends up in two batches.
 */
@Injectable()
export class PrintBatchScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PrintBatchScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(Database) private readonly db: Database,
    @Inject(AuditTrail) private readonly audit: AuditTrail,
    @Inject(PRINT_BATCH_SETTINGS) private readonly settings: PrintBatchSettings,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = () => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = this.run().catch((error) => this.logger.warn(`gathering print batches: ${(error as Error).message}`)).finally(schedule);
      }, this.settings.intervalMs);
    };
    schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One gathering run; returns what it did (tests call it directly). */
  async run(): Promise<{ batches: number; letters: number; cancelled: number }> {
    const { batches, cancelled } = await gatherAllPrintBatches(this.db, this.audit, SYSTEM_ACTOR, this.settings.maxLetters);
    const letters = batches.reduce((n, b) => n + b.letter_count, 0);
    if (batches.length) this.logger.log(`gathered ${letters} letters into ${batches.length} print batches`);
    if (cancelled) this.logger.log(`cancelled ${cancelled} waiting letters of cancelled campaigns`);
    return { batches: batches.length, letters, cancelled };
  }
}
