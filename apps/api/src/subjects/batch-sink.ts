import { Writable } from 'node:stream';
import type { CopyChunk } from './import-writer.js';

/** One batch of COPY text: the subjects' lines and the rejections' lines, each in file order. */
export interface CopyBatch {
  subjects: Buffer[];
  rejections: Buffer[];
  /** A reference among the subjects may have appeared earlier in the file. */
  mayRepeat: boolean;
}

/**
 * Collects the COPY text into batches and hands each full batch to `flush` (COPY it into the database),
 * without waiting for that flush before taking the next batch: while PostgreSQL upserts one batch, the next
 * is parsed and validated. At most two batches are in memory (one being flushed, one being filled); when the
 * next batch is full before the previous flush is done, writing waits, and so does the upload.
 */
export class BatchSink extends Writable {
  private batch: CopyBatch = { subjects: [], rejections: [], mayRepeat: false };
  private bytes = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly flush: (batch: CopyBatch) => Promise<void>,
    private readonly batchBytes: number,
  ) {
    super({ objectMode: true, highWaterMark: 8 });
  }

  override _write(chunk: CopyChunk, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.batch[chunk.kind].push(chunk.data);
    if (chunk.mayRepeat) this.batch.mayRepeat = true;
    this.bytes += chunk.data.length;
    if (this.bytes < this.batchBytes) return done();
    this.handOver().then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void): void {
    this.handOver()
      .then(() => this.inflight)
      .then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A flush still running holds the transaction's connection: let it settle before the rollback is sent.
    const settle = this.inflight ?? Promise.resolve();
    settle.then(() => done(error), () => done(error));
  }

  /** Waits for the previous flush, then starts this batch's flush without waiting for it. */
  private async handOver(): Promise<void> {
    if (this.inflight) await this.inflight;
    if (this.bytes === 0) return;
    const batch = this.batch;
    this.batch = { subjects: [], rejections: [], mayRepeat: false };
    this.bytes = 0;
    const flushing = this.flush(batch);
    this.inflight = flushing;
    flushing.catch((error: Error) => this.destroy(error));
  }
}
