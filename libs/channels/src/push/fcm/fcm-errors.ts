import { REASONS, type SendOutcome } from '../../channel.js';
import { configProblem, networkReason, permanent, retry } from '../../outcomes.js';

type Verdict = ['retry' | 'permanent' | 'config', string];

/** firebase-admin error codes (FirebaseMessagingError / FirebaseAppError `code`) → outcome. */
const FCM_CODES: Record<string, Verdict> = {
  'messaging/registration-token-not-registered': ['permanent', REASONS.unregisteredToken],
  'messaging/invalid-registration-token': ['permanent', REASONS.invalidToken],
  'messaging/invalid-recipient': ['permanent', REASONS.invalidToken],
  'messaging/invalid-package-name': ['permanent', REASONS.invalidToken],
  'messaging/invalid-argument': ['permanent', REASONS.invalidArgument],
  'messaging/invalid-payload': ['permanent', REASONS.invalidArgument],
  'messaging/invalid-data-payload-key': ['permanent', REASONS.invalidArgument],
  'messaging/invalid-options': ['permanent', REASONS.invalidArgument],
  'messaging/payload-size-limit-exceeded': ['permanent', REASONS.payloadTooLarge],
  'messaging/mismatched-credential': ['config', REASONS.mismatchedCredential],
  'messaging/third-party-auth-error': ['config', REASONS.badCredentials],
  'messaging/authentication-error': ['config', REASONS.badCredentials],
  'app/invalid-credential': ['config', REASONS.badCredentials],
  'messaging/message-rate-exceeded': ['retry', REASONS.rateLimited],
  'messaging/device-message-rate-exceeded': ['retry', REASONS.rateLimited],
  'messaging/topics-message-rate-exceeded': ['retry', REASONS.rateLimited],
  'messaging/server-unavailable': ['retry', REASONS.providerUnavailable],
  'messaging/internal-error': ['retry', REASONS.providerUnavailable],
  'messaging/unknown-error': ['retry', REASONS.providerError],
  'app/network-timeout': ['retry', REASONS.timeout],
};

/**
 * One FCM failure → an outcome. firebase-admin keeps neither the HTTP status nor Retry-After on its
 * errors, so a rate-limited push carries no retryAfterMs (the notifier's own backoff applies).
 */
export function classifyFcmError(deliveryId: string, error: unknown): SendOutcome {
  let code = (error as { code?: unknown } | null)?.code;
  // A failed HTTP/2 session surfaces as FirebaseMessagingSessionError with code 'messaging/app/network-error'.
  if (typeof code === 'string' && code.startsWith('messaging/app/')) code = code.slice('messaging/'.length);
  if (code === 'app/invalid-credential') {
    // firebase-admin reports every failed OAuth token fetch this way, network trouble included.
    const ioCode = /\b(ENOTFOUND|ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE)\b/.exec(error instanceof Error ? error.message : '')?.[1];
    const transient = ioCode ? networkReason({ code: ioCode }) : undefined;
    if (transient) return retry(deliveryId, transient, undefined, code);
  }
  const known = typeof code === 'string' ? FCM_CODES[code] : undefined;
  if (known) {
    const [result, reason] = known;
    if (result === 'permanent') return permanent(deliveryId, reason, code as string);
    if (result === 'config') return configProblem(deliveryId, reason, code as string);
    return retry(deliveryId, reason, undefined, code as string);
  }
  if (code === 'app/network-error') {
    // "… Error code: ECONNRESET" / "Session error while making requests: ECONNRESET - …" (SDK text, no recipient data).
    const ioCode = /(?:Error code: |making requests: )([A-Z][A-Z0-9_]+)/.exec(error instanceof Error ? error.message : '')?.[1];
    return retry(deliveryId, networkReason({ code: ioCode }) ?? REASONS.networkError, undefined, code);
  }
  return retry(deliveryId, networkReason(error) ?? REASONS.providerError, undefined, typeof code === 'string' ? code : undefined);
}
