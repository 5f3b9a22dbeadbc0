import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createPinoLogger, StructuredLogger } from './logger.js';
import { redactText, redactValue } from './redaction.js';

describe('redaction', () => {
  it.each([
    ['mail jane.doe+x@example.co.uk failed', 'mail [email] failed'],
    ['sms to +49 151 2345 6789 queued', 'sms to [phone] queued'],
    ['sms to +4915123456789', 'sms to [phone]'],
    ['number 0049151234567', 'number [phone]'],
    ['token tcn_abcdefghijklmnopqrstuvwxyz', 'token [token]'],
    ['at 2026-11-24T10:00:00Z, 1500 rows', 'at 2026-11-24T10:00:00Z, 1500 rows'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('masks contact fields at any depth', () => {
    expect(redactValue({ subject: { email: 'a@b.cc', phone: '+15550100', country: 'DE' }, rows: 3 }))
      .toEqual({ subject: { email: '[redacted]', phone: '[redacted]', country: 'DE' }, rows: 3 });
  });

  it('the logger writes no contact data whatever it is given', () => {
    const lines: string[] = [];
    const logger = new StructuredLogger(createPinoLogger('test', new Writable({ write(c, _e, cb) { lines.push(String(c)); cb(); } })));
    logger.log('sent to jane@example.com', 'Ctx');
    logger.error({ recipient: { email: 'jane@example.com', guardianPhone: '+4915123456789' } }, 'Ctx');
    logger.warn(new Error('bounce for jane@example.com'));
    const all = lines.join('');
    expect(all).not.toContain('jane@example.com');
    expect(all).not.toContain('4915123456789');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toEqual(expect.objectContaining({ msg: 'sent to [email]', context: 'Ctx', service: 'test' }));
  });
});
