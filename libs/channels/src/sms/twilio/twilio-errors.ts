import { REASONS, type SendOutcome } from '../../channel.js';
import { configProblem, networkReason, parseRetryAfter, permanent, retry } from '../../outcomes.js';

/** Twilio REST error codes (https://www.twilio.com/docs/api/errors) that doom one message. */
const PERMANENT_CODES: Record<number, string> = {
  21211: REASONS.invalidNumber, // invalid 'To' phone number
  21217: REASONS.invalidNumber, // phone number does not appear to be valid
  21401: REASONS.invalidNumber, // invalid phone number
  21265: REASONS.invalidNumber, // 'To' number cannot be a short code
  21610: REASONS.unsubscribed, // recipient replied STOP
  21614: REASONS.notMobile, // 'To' is not a mobile number
  21612: REASONS.unroutable, // 'To' not reachable via SMS from this 'From'
  21408: REASONS.regionNotEnabled, // permission to send to this region not enabled
  21602: REASONS.invalidArgument, // body required
  21617: REASONS.payloadTooLarge, // body exceeds 1600 characters
};

/** Codes that will fail every message until an operator fixes the account or sender. */
const CONFIG_CODES: Record<number, string> = {
  20003: REASONS.badCredentials, // authenticate
  20005: REASONS.accountSuspended, // account not active
  20404: REASONS.badCredentials, // resource (account) not found
  21212: REASONS.invalidSender, // invalid 'From' number
  21603: REASONS.invalidSender, // 'From' required
  21606: REASONS.invalidSender, // 'From' is not SMS-capable for this account
  21608: REASONS.accountSuspended, // trial account may only send to verified numbers
  21701: REASONS.invalidSender, // messaging service not found
  21703: REASONS.invalidSender, // messaging service has no phone numbers
  21705: REASONS.invalidSender, // messaging service invalid
  30034: REASONS.invalidSender, // US A2P 10DLC: unregistered sender
};

interface TwilioErrorShape {
  status?: unknown;
  code?: unknown;
}

/**
 * One failed `messages.create` → an outcome. `headers` are the HTTP response headers captured for this
 * very call (the SDK's exception drops them), so Retry-After can be honoured.
 */
export function classifyTwilioError(deliveryId: string, error: unknown, headers: Record<string, unknown> | undefined): SendOutcome {
  const { status, code } = (error ?? {}) as TwilioErrorShape;
  if (typeof status !== 'number') {
    return retry(deliveryId, networkReason(error) ?? REASONS.providerError);
  }
  const twilioCode = typeof code === 'number' ? code : undefined;
  const providerCode = String(twilioCode ?? status);
  if (twilioCode !== undefined && PERMANENT_CODES[twilioCode]) return permanent(deliveryId, PERMANENT_CODES[twilioCode], providerCode);
  if (twilioCode !== undefined && CONFIG_CODES[twilioCode]) return configProblem(deliveryId, CONFIG_CODES[twilioCode], providerCode);
  const retryAfter = parseRetryAfter(headers?.['retry-after']);
  if (status === 429 || twilioCode === 20429) return retry(deliveryId, REASONS.rateLimited, retryAfter, providerCode);
  if (status >= 500) return retry(deliveryId, REASONS.providerUnavailable, retryAfter, providerCode);
  if (status === 401) return configProblem(deliveryId, REASONS.badCredentials, providerCode);
  if (status === 403) return configProblem(deliveryId, REASONS.forbidden, providerCode);
  if (status === 404) return configProblem(deliveryId, REASONS.requestRejected, providerCode);
  return permanent(deliveryId, REASONS.rejected, providerCode);
}
