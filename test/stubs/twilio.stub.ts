/**
 * Twilio POST /2010-04-01/Accounts/{AccountSid}/Messages.json (providers.md §2): Basic auth
 * (AccountSid:AuthToken), form-encoded To/From|MessagingServiceSid/Body/StatusCallback, 201 with the
 * message JSON, errors in Twilio's legacy JSON {code, message, more_info, status}. Twilio's magic test
 * numbers are mirrored: +15005550001 → 21211, +15005550004 → 21610.
 */
import { randomBytes } from 'node:crypto';
import { parseForm, type ProviderStub, startStub, type StubContext, type StubOptions, type StubReply } from './stub-core.js';

export type TwilioFault =
  /** 400 code 21211: the 'To' number is not a valid phone number. */
  | { kind: 'invalid-number' }
  /** 400 code 21610: the recipient replied STOP. */
  | { kind: 'unsubscribed' }
  /** 401 code 20003: authentication failed. */
  | { kind: 'auth' };

export interface TwilioStubOptions extends StubOptions {
  /** When set, only these credentials are accepted (otherwise any Basic AC…:token whose SID matches the path). */
  accountSid?: string;
  authToken?: string;
}

export type TwilioStub = ProviderStub<TwilioFault>;

const MAGIC: Record<string, number> = { '+15005550001': 21211, '+15005550004': 21610 };
const PATH = /^\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]+)\/Messages\.json$/;

function twilioError(status: number, code: number, message: string, headers: Record<string, string> = {}): StubReply {
  return { status, headers, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function handle({ request, fault }: StubContext<TwilioFault>, options: TwilioStubOptions): StubReply {
  const match = PATH.exec(request.path.split('?')[0]!);
  if (request.method !== 'POST' || !match) return twilioError(404, 20404, 'The requested resource was not found');
  const auth = String(request.headers.authorization ?? '');
  const [user, password] = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':') : [];
  const badAuth =
    !user || !password || user !== match[1] ||
    (options.accountSid !== undefined && user !== options.accountSid) ||
    (options.authToken !== undefined && password !== options.authToken);
  if (badAuth || fault?.kind === 'auth') return twilioError(401, 20003, 'Authenticate');
  if (fault?.kind === 'rate-limit') {
    return twilioError(429, 20429, 'Too Many Requests', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
  }
  if (fault?.kind === 'unavailable') {
    return twilioError(503, 20503, 'Service unavailable', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
  }
  const form = request.body as Record<string, string | string[]>;
  const to = typeof form.To === 'string' ? form.To : undefined;
  if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!form.From && !form.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (!form.Body && !form.MediaUrl) return twilioError(400, 21602, 'Message body is required.');
  const code = fault?.kind === 'invalid-number' ? 21211 : fault?.kind === 'unsubscribed' ? 21610 : MAGIC[to] ?? (/^\+[1-9]\d{6,14}$/.test(to) ? undefined : 21211);
  if (code === 21211) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
  if (code === 21610) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');

  let deliveryId: string | null = null;
  if (typeof form.StatusCallback === 'string') {
    try {
      deliveryId = new URL(form.StatusCallback).searchParams.get('delivery_id');
    } catch {
      return twilioError(400, 21609, 'Invalid StatusCallback URL');
    }
  }
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const viaService = typeof form.MessagingServiceSid === 'string';
  const body = typeof form.Body === 'string' ? form.Body : '';
  return {
    status: 201,
    body: {
      sid,
      account_sid: match[1],
      to,
      from: viaService ? null : form.From,
      messaging_service_sid: viaService ? form.MessagingServiceSid : null,
      body,
      status: viaService ? 'accepted' : 'queued',
      num_segments: String(Math.max(1, Math.ceil(body.length / 153))),
      direction: 'outbound-api',
      api_version: '2010-04-01',
      date_created: new Date().toUTCString().replace('GMT', '+0000'),
      date_updated: new Date().toUTCString().replace('GMT', '+0000'),
      date_sent: null,
      error_code: null,
      error_message: null,
      price: null,
      price_unit: 'USD',
      uri: `/2010-04-01/Accounts/${match[1]}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${match[1]}/Messages/${sid}/Media.json` },
    },
    accepted: [deliveryId ?? to],
  };
}

export function startTwilioStub(options: TwilioStubOptions = {}): Promise<TwilioStub> {
  return startStub<TwilioFault>(
    {
      name: 'twilio',
      parse: (raw) => parseForm(raw),
      recipients: (request) => {
        const to = (request.body as Record<string, unknown> | undefined)?.To;
        return typeof to === 'string' ? [to] : [];
      },
      handle: (context) => handle(context, options),
    },
    options,
  );
}
