import { describe, expect, it } from '@jest/globals';
import { classifyFcmError } from './push/fcm/fcm-errors.js';
import { classifyTwilioError } from './sms/twilio/twilio-errors.js';

describe('Twilio REST errors → outcomes', () => {
  it.each<[string, unknown, Record<string, string> | undefined, Record<string, unknown>]>([
    ['21211 invalid To', { status: 400, code: 21211 }, undefined, { result: 'permanent', reason: 'invalid_number', providerCode: '21211' }],
    ['21610 unsubscribed', { status: 400, code: 21610 }, undefined, { result: 'permanent', reason: 'unsubscribed', providerCode: '21610' }],
    ['21614 not mobile', { status: 400, code: 21614 }, undefined, { result: 'permanent', reason: 'not_mobile', providerCode: '21614' }],
    ['21408 region', { status: 400, code: 21408 }, undefined, { result: 'permanent', reason: 'region_not_enabled', providerCode: '21408' }],
    ['20003 auth', { status: 401, code: 20003 }, undefined, { result: 'config', reason: 'bad_credentials', providerCode: '20003' }],
    ['20005 suspended', { status: 403, code: 20005 }, undefined, { result: 'config', reason: 'account_suspended', providerCode: '20005' }],
    ['21606 bad From', { status: 400, code: 21606 }, undefined, { result: 'config', reason: 'invalid_sender', providerCode: '21606' }],
    ['429 + Retry-After', { status: 429, code: 20429 }, { 'retry-after': '4' }, { result: 'retry', reason: 'rate_limited', retryAfterMs: 4000, providerCode: '20429' }],
    ['429 without header', { status: 429, code: 20429 }, {}, { result: 'retry', reason: 'rate_limited', providerCode: '20429' }],
    ['500', { status: 500, code: 20500 }, undefined, { result: 'retry', reason: 'provider_unavailable', providerCode: '20500' }],
    ['unknown 401', { status: 401 }, undefined, { result: 'config', reason: 'bad_credentials', providerCode: '401' }],
    ['unknown 400 code', { status: 400, code: 21999 }, undefined, { result: 'permanent', reason: 'rejected', providerCode: '21999' }],
    ['axios timeout', { code: 'ECONNABORTED' }, undefined, { result: 'retry', reason: 'timeout' }],
    ['socket reset', { code: 'ECONNRESET' }, undefined, { result: 'retry', reason: 'connection_reset' }],
    ['anything else', new Error('odd'), undefined, { result: 'retry', reason: 'provider_error' }],
  ])('%s', (_name, error, headers, expected) => {
    expect(classifyTwilioError('d', error, headers)).toEqual({ deliveryId: 'd', ...expected });
  });
});

describe('firebase-admin errors → outcomes', () => {
  it.each<[string, string | undefined, string, Record<string, unknown>]>([
    ['unregistered', 'messaging/registration-token-not-registered', '', { result: 'permanent', reason: 'unregistered_token' }],
    ['invalid token', 'messaging/invalid-registration-token', '', { result: 'permanent', reason: 'invalid_token' }],
    ['invalid argument', 'messaging/invalid-argument', '', { result: 'permanent', reason: 'invalid_argument' }],
    ['too big', 'messaging/payload-size-limit-exceeded', '', { result: 'permanent', reason: 'payload_too_large' }],
    ['sender mismatch', 'messaging/mismatched-credential', '', { result: 'config', reason: 'mismatched_credential' }],
    ['apns / oauth', 'messaging/third-party-auth-error', '', { result: 'config', reason: 'bad_credentials' }],
    ['credential', 'app/invalid-credential', 'failed … with the following error: "invalid_grant"', { result: 'config', reason: 'bad_credentials' }],
    ['token fetch offline', 'app/invalid-credential', 'failed … with the following error: "getaddrinfo ENOTFOUND oauth2.googleapis.com"', { result: 'retry', reason: 'connection_failed' }],
    ['quota', 'messaging/message-rate-exceeded', '', { result: 'retry', reason: 'rate_limited' }],
    ['unavailable', 'messaging/server-unavailable', '', { result: 'retry', reason: 'provider_unavailable' }],
    ['internal', 'messaging/internal-error', '', { result: 'retry', reason: 'provider_unavailable' }],
    ['network timeout', 'app/network-timeout', '', { result: 'retry', reason: 'timeout' }],
    ['network reset', 'app/network-error', 'Error while making request: socket hang up. Error code: ECONNRESET', { result: 'retry', reason: 'connection_reset' }],
    ['network other', 'app/network-error', 'Error while making request', { result: 'retry', reason: 'network_error' }],
  ])('%s', (_name, code, message, expected) => {
    const error = Object.assign(new Error(message), { code });
    expect(classifyFcmError('d', error)).toEqual({ deliveryId: 'd', providerCode: code, ...expected });
  });

  it('an unknown error is a retry without a code', () => {
    expect(classifyFcmError('d', new Error('?'))).toEqual({ deliveryId: 'd', result: 'retry', reason: 'provider_error' });
  });
});
