import { once } from 'node:events';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CopyChunk } from './import-writer.js';

/** A COPY … FROM STDIN in progress: pg-copy-streams' writable, which knows how many rows it wrote. */
export type CopyStream = Writable & { rowCount?: number };

/** Where the chunks go: the transaction's COPY statements and what follows each. */
export interface CopyTarget {
  /** Whether a subjects chunk may go straight into affected_subjects (else through staging). */
  straight(chunk: CopyChunk): boolean;
  /** Starts a COPY of subject tuples: straight into affected_subjects, or into staging. */
  open(straight: boolean): CopyStream;
  /** After that COPY is complete: what follows it (counting; the upsert from staging). */
  close(straight: boolean, copy: CopyStream): Promise<void>;
  /** COPYs rejection lines (while no subjects COPY is open: one connection runs one statement). */
  rejections(chunks: Buffer[]): Promise<void>;
  /** Chunks whose COPY is complete: nothing refers to them any more. */
  recycle(chunks: Buffer[]): void;
}

/**
 * Streams the COPY data into the database while the upload is still being read: the subjects go into a COPY
 * statement as soon as a chunk is ready, so that PostgreSQL works from the first rows on and has only the
 * last chunk left when the upload ends. A statement takes up to `batchBytes` of consecutive chunks of one kind
 * (straight or staged), so each statement (and its trigger's transition table, or its staging upsert) stays
 * batch-sized; rejections are COPYed between two statements.
 *
 * While a statement is being ended (PostgreSQL finishing the rows sent, an upsert), chunks wait in a queue of
 * up to `queueBytes`; past that, writing waits, and so does the upload.
 */
export class CopySink extends Writable {
  private readonly queue: CopyChunk[] = [];
  private queued = 0;
  /** A write waiting for room in the queue. */
  private blocked: (() => void) | undefined;
  /** The pump waiting for a chunk, the end, or an error. */
  private wake: (() => void) | undefined;
  private ended = false;
  private current: { straight: boolean; copy: CopyStream; bytes: number; chunks: Buffer[] } | undefined;
  private copyError: Error | undefined;
  private rejected: Buffer[] = [];
  private rejectedBytes = 0;
  private readonly pumping: Promise<void>;
  private failure: Error | undefined;
  /** Statements run, and those that went straight into affected_subjects. */
  batches = 0;
  batchesStraight = 0;
  /** When the last chunk arrived (performance.now()): what follows is the database catching up. */
  endedAt = 0;

  /** `header` and `trailer` begin and end every subjects COPY (the binary format's). */
  constructor(
    private readonly target: CopyTarget,
    private readonly batchBytes: number,
    private readonly queueBytes: number,
    private readonly header: Buffer,
    private readonly trailer: Buffer,
  ) {
    super({ objectMode: true, highWaterMark: 4 });
    this.pumping = this.pump().catch((error: Error) => {
      this.failure = error;
      this.destroy(error);
    });
  }

  override _write(chunk: CopyChunk, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.queue.push(chunk);
    this.queued += chunk.data.length;
    this.signal();
    if (this.queued <= this.queueBytes) done();
    else this.blocked = () => done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.endedAt = performance.now();
    this.ended = true;
    this.signal();
    void this.pumping.then(() => done(this.failure ?? null));
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.ended = true;
    const current = this.current;
    // A COPY still open holds the transaction's connection: abandon it (CopyFail) and let it settle before the
    // rollback is sent.
    if (current && !current.copy.destroyed && !current.copy.writableFinished) current.copy.destroy(error ?? new Error('the import was abandoned'));
    this.signal();
    const settle = current ? finished(current.copy).catch(() => undefined) : Promise.resolve();
    void Promise.all([settle, this.pumping]).then(() => done(error));
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.copyError) throw this.copyError;
      if (this.destroyed) return;
      const chunk = this.queue.shift();
      if (!chunk) {
        if (this.ended) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      this.queued -= chunk.data.length;
      if (this.blocked && this.queued <= this.queueBytes) {
        const resume = this.blocked;
        this.blocked = undefined;
        resume();
      }
      if (chunk.kind === 'rejections') {
        this.rejected.push(chunk.data);
        this.rejectedBytes += chunk.data.length;
        // Rejections wait for the end of the statement in progress, but never pile up.
        if (this.rejectedBytes >= this.batchBytes) {
          await this.closeCurrent();
          await this.flushRejections();
        }
        continue;
      }
      const straight = this.target.straight(chunk);
      if (this.current && (this.current.straight !== straight || this.current.bytes >= this.batchBytes)) await this.closeCurrent();
      if (!this.current) {
        await this.flushRejections();
        this.current = { straight, copy: this.open(straight), bytes: 0, chunks: [] };
      }
      const current = this.current;
      current.bytes += chunk.data.length;
      current.chunks.push(chunk.data);
      if (!current.copy.write(chunk.data)) await this.drained(current.copy);
    }
    await this.closeCurrent();
    await this.flushRejections();
  }

  private open(straight: boolean): CopyStream {
    const copy = this.target.open(straight);
    copy.write(this.header);
    this.batches++;
    if (straight) this.batchesStraight++;
    // The server can refuse a row at any time (a COPY reports its error while rows are still being sent).
    copy.on('error', (error: Error) => {
      this.copyError ??= error;
      this.signal();
    });
    return copy;
  }

  /** Waits until the COPY takes more, or fails. */
  private async drained(copy: CopyStream): Promise<void> {
    if (this.copyError) throw this.copyError;
    await new Promise<void>((resolve) => {
      const done = () => {
        copy.off('drain', done);
        copy.off('error', done);
        copy.off('close', done);
        resolve();
      };
      copy.on('drain', done);
      copy.on('error', done);
      copy.on('close', done);
    });
    if (this.copyError) throw this.copyError;
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    if (this.copyError) throw this.copyError;
    current.copy.end(this.trailer);
    if (!current.copy.writableFinished) await once(current.copy, 'finish'); // rejects on the COPY's error
    this.current = undefined;
    await this.target.close(current.straight, current.copy);
    this.target.recycle(current.chunks);
  }

  private async flushRejections(): Promise<void> {
    if (this.rejected.length === 0) return;
    const chunks = this.rejected;
    this.rejected = [];
    this.rejectedBytes = 0;
    await this.target.rejections(chunks);
  }
}
