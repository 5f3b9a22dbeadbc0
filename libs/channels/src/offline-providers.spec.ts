import { describe, expect, it } from '@jest/globals';
import type { LetterMessage } from './channel.js';
import { PrintQueueLetterProvider } from './letter/print-queue/print-queue-letter.provider.js';
import { SandboxProvider } from './sandbox/sandbox.provider.js';

const letter = (i: number, overrides: Partial<LetterMessage> = {}): LetterMessage => ({ deliveryId: `l-${i}`, postalAddress: `Street ${i}\n10115 Berlin`, documentRef: `doc-${i}`, ...overrides });

describe('PrintQueueLetterProvider', () => {
  it("queues valid letters in one call and reports them 'sent' (= queued for the print batch)", async () => {
    const queued: string[][] = [];
    const provider = new PrintQueueLetterProvider({ enqueue: async (letters) => void queued.push(letters.map((l) => l.deliveryId)) });
    const outcomes = await provider.send([letter(1), letter(2, { postalAddress: '  ' }), letter(3, { documentRef: '' }), letter(4)]);
    expect(outcomes).toEqual([
      { deliveryId: 'l-1', result: 'sent', providerMessageId: 'print-queue:l-1' },
      { deliveryId: 'l-2', result: 'permanent', reason: 'missing_address' },
      { deliveryId: 'l-3', result: 'permanent', reason: 'missing_document' },
      { deliveryId: 'l-4', result: 'sent', providerMessageId: 'print-queue:l-4' },
    ]);
    expect(queued).toEqual([['l-1', 'l-4']]);
  });

  it('turns a failing queue into retries without leaking the address', async () => {
    const lines: string[] = [];
    const provider = new PrintQueueLetterProvider({
      enqueue: async () => { throw new Error('db down while writing Street 1'); },
      log: (level, message, fields) => lines.push(JSON.stringify({ level, message, fields })),
    });
    const outcomes = await provider.send([letter(1)]);
    expect(outcomes).toEqual([{ deliveryId: 'l-1', result: 'retry', reason: 'queue_unavailable' }]);
    expect(lines.join('')).not.toContain('Street');
  });
});

describe('SandboxProvider', () => {
  it('records every message in memory and sends nothing', async () => {
    const sandbox = new SandboxProvider('email');
    const outcomes = await sandbox.send([
      { deliveryId: 'a', to: 'a@example.org', subject: 's', html: 'h', text: 't' },
      { deliveryId: 'b', to: 'b@example.org', subject: 's', html: 'h', text: 't' },
    ]);
    expect(outcomes.map((o) => o.result)).toEqual(['sent', 'sent']);
    expect(sandbox.records.map((r) => [r.kind, r.message.deliveryId, r.providerMessageId])).toEqual([['email', 'a', 'sandbox-email-1'], ['email', 'b', 'sandbox-email-2']]);
    sandbox.clear();
    expect(sandbox.records).toHaveLength(0);
  });

  it('lets a test decide outcomes, and retries when the sink fails', async () => {
    const sandbox = new SandboxProvider('push', {
      sink: async () => { throw new Error('outbox unavailable'); },
      outcomeFor: (m) => (m.token === 'dead' ? { deliveryId: m.deliveryId, result: 'permanent', reason: 'unregistered_token' } : undefined),
    });
    const outcomes = await sandbox.send([
      { deliveryId: 'p1', token: 'dead', title: 't', body: 'b' },
      { deliveryId: 'p2', token: 'alive', title: 't', body: 'b' },
    ]);
    expect(outcomes).toEqual([
      { deliveryId: 'p1', result: 'permanent', reason: 'unregistered_token' },
      { deliveryId: 'p2', result: 'retry', reason: 'queue_unavailable' },
    ]);
  });
});
