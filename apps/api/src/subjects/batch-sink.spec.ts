import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from '@jest/globals';
import { CopySink, type CopyStream, type CopyTarget } from './batch-sink.js';
import type { CopyChunk } from './import-writer.js';

/** A COPY statement as pg-copy-streams gives it: a writable that finishes once the server has taken everything. */
class FakeCopy extends Writable {
  readonly received: string[] = [];
  rowCount = 0;

  constructor(private readonly failAfter: number | undefined, private readonly slow: boolean) {
    super({ highWaterMark: 4 });
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.received.push(chunk.toString());
    this.rowCount++;
    if (this.failAfter !== undefined && this.received.length > this.failAfter) {
      done(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }));
      return;
    }
    if (this.slow) setTimeout(done, 1);
    else setImmediate(done);
  }

  override _final(done: (error?: Error | null) => void): void {
    setTimeout(done, 2);
  }
}

interface Log {
  events: string[];
  copies: FakeCopy[];
  recycled: string[];
}

function target(options: { failAfter?: number; slow?: boolean } = {}): CopyTarget & Log {
  const log: Log = { events: [], copies: [], recycled: [] };
  return {
    ...log,
    straight: (chunk: CopyChunk) => !chunk.mayRepeat,
    open(straight: boolean): CopyStream {
      const copy = new FakeCopy(options.failAfter, options.slow ?? false);
      log.copies.push(copy);
      log.events.push(`open ${straight ? 'straight' : 'staged'}`);
      return copy;
    },
    async close(straight: boolean, copy: CopyStream) {
      log.events.push(`close ${straight ? 'straight' : 'staged'} ${(copy as FakeCopy).received.join('|')}`);
      await new Promise((r) => setTimeout(r, 1));
    },
    async rejections(chunks: Buffer[]) {
      log.events.push(`rejections ${chunks.map(String).join('|')}`);
    },
    recycle(chunks: Buffer[]) {
      log.recycled.push(...chunks.map(String));
    },
  } as CopyTarget & Log;
}

const subjects = (text: string, mayRepeat = false): CopyChunk => ({ kind: 'subjects', data: Buffer.from(text), mayRepeat });
const rejections = (text: string): CopyChunk => ({ kind: 'rejections', data: Buffer.from(text), mayRepeat: false });

const H = Buffer.from('H');
const T = Buffer.from('T');

describe('CopySink', () => {
  it('streams chunks into statements of one kind and of at most the batch size, rejections between them', async () => {
    const t = target();
    const chunks = [subjects('a1'), subjects('a2'), rejections('r1'), subjects('a3'), subjects('b1', true), subjects('b2', true), subjects('c1'), rejections('r2')];
    await pipeline(Readable.from(chunks), new CopySink(t, 6, 100, H, T));
    expect(t.events).toEqual([
      'open straight',
      'close straight H|a1|a2|a3|T', // 6 bytes reached: the statement ends
      'rejections r1',
      'open staged',
      'close staged H|b1|b2|T',
      'open straight',
      'close straight H|c1|T',
      'rejections r2',
    ]);
    expect(t.recycled).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1']);
  });

  it('COPYs rejections on their own when there are no subjects, and never lets them pile up', async () => {
    const t = target();
    await pipeline(Readable.from([rejections('r1'), rejections('r2'), rejections('r3')]), new CopySink(t, 4, 100, H, T));
    expect(t.events).toEqual(['rejections r1|r2', 'rejections r3']);
  });

  it('keeps at most the queue size waiting while the database is slow', async () => {
    const t = target({ slow: true });
    const sink = new CopySink(t, 100_000, 20, H, T);
    let maxQueued = 0;
    const probe = setInterval(() => (maxQueued = Math.max(maxQueued, (sink as unknown as { queued: number }).queued)), 0);
    await pipeline(Readable.from(Array.from({ length: 200 }, (_, i) => subjects(`row${String(i).padStart(4, '0')}`))), sink);
    clearInterval(probe);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(20 + 8); // the queue limit, plus the one chunk that crossed it
    expect(t.copies[0]!.received).toHaveLength(202);
  });

  it('fails the pipeline with the database error when a COPY fails midway, and runs nothing after it', async () => {
    const t = target({ failAfter: 2 });
    const chunks = Array.from({ length: 50 }, (_, i) => subjects(`s${i}`));
    await expect(pipeline(Readable.from([...chunks, rejections('r')]), new CopySink(t, 1000, 1000, H, T))).rejects.toMatchObject({ code: '23505' });
    expect(t.events).toEqual(['open straight']);
    expect(t.recycled).toEqual([]);
  });

  it('abandons the COPY in progress when the upload is abandoned', async () => {
    const t = target({ slow: true });
    const upload = new Readable({ objectMode: true, read() {} });
    upload.push(subjects('x1'));
    upload.push(subjects('x2'));
    const done = pipeline(upload, new CopySink(t, 1000, 1000, H, T));
    await new Promise((r) => setTimeout(r, 20));
    upload.destroy(new Error('the upload ended before the whole body arrived'));
    await expect(done).rejects.toThrow('the upload ended');
    expect(t.copies).toHaveLength(1);
    expect(t.copies[0]!.destroyed).toBe(true);
    expect(t.events).toEqual(['open straight']);
  });
});
