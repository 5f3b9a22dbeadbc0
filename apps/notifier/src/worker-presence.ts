import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Database } from '#database';

/** Registers this notifier process and keeps its heartbeat fresh, so operators can see live workers. */
@Injectable()
export class WorkerPresence implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly id = randomUUID();
  private readonly logger = new Logger('WorkerPresence');

  constructor(@Inject(Database) private readonly db: Database) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.db.rows('INSERT INTO notifier_workers (id, hostname, pid) VALUES ($1, $2, $3)', [this.id, hostname(), process.pid]);
    this.logger.log(`notifier ${this.id} connected; waiting for work`);
  }

  @Interval(10_000)
  async heartbeat(): Promise<void> {
    try {
      await this.db.rows('UPDATE notifier_workers SET heartbeat_at = now() WHERE id = $1', [this.id]);
    } catch (error) {
      // The database may be restarting; the next beat retries.
      this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.rows('UPDATE notifier_workers SET stopped_at = now() WHERE id = $1', [this.id]).catch(() => undefined);
  }
}
