/**
 * SendGrid v3 POST /v3/mail/send, as providers.md §1 describes it: Bearer SG.… auth, JSON body with
 * 1..1000 personalizations, 202 with an empty body and X-Message-Id, errors as 400/401/429/5xx with
 * {"errors":[{message, field, help}]}. Per-recipient faults fail the whole request (as SendGrid does),
 * naming the personalization in `field`.
 */
import { randomBytes } from 'node:crypto';
import { type Fault, matchesRecipient, parseJson, type ProviderStub, type RecordedRequest, startStub, type StubContext, type StubOptions, type StubReply } from './stub-core.js';

export type SendGridFault =
  /**
   * 400 "Does not contain a valid address." for the targeted personalization (index 0 when untargeted); with
   * an `@domain` match, for every personalization at that domain, in one response as SendGrid lists them.
   */
  | { kind: 'invalid-email' }
  /** 401: the API key is wrong, expired or revoked. */
  | { kind: 'bad-key' }
  /** 403: e.g. the sender identity is not verified / the account is suspended. */
  | { kind: 'forbidden' };

export interface SendGridStubOptions extends StubOptions {
  /** When set, only this key is accepted (otherwise any `Bearer SG.…`). */
  apiKey?: string;
}

export type SendGridStub = ProviderStub<SendGridFault>;

interface Personalization {
  to?: Array<{ email?: unknown }>;
  custom_args?: Record<string, unknown>;
  substitutions?: Record<string, unknown>;
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function errors(status: number, list: Array<{ message: string; field: string | null }>, headers: Record<string, string> = {}): StubReply {
  return { status, headers, body: { errors: list.map((e) => ({ ...e, help: e.field ? `${HELP}#message.${e.field.replace(/\.\d+/g, '')}` : null })) } };
}

function personalizations(request: RecordedRequest): Personalization[] {
  const list = (request.body as { personalizations?: unknown } | undefined)?.personalizations;
  return Array.isArray(list) ? (list as Personalization[]) : [];
}

function handle({ request, fault, faultIndex }: StubContext<SendGridFault>, apiKey: string | undefined): StubReply {
  if (request.method !== 'POST' || request.path.split('?')[0] !== '/v3/mail/send') {
    return errors(404, [{ message: 'resource not found', field: null }]);
  }
  const auth = String(request.headers.authorization ?? '');
  const unauthorized = !auth.startsWith('Bearer SG.') || (apiKey !== undefined && auth !== `Bearer ${apiKey}`);
  if (unauthorized || fault?.kind === 'bad-key') {
    return errors(401, [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null }]);
  }
  if (fault?.kind === 'forbidden') return errors(403, [{ message: 'The from address does not match a verified Sender Identity.', field: 'from' }]);
  if (fault?.kind === 'rate-limit') {
    const reset = String(Math.ceil(Date.now() / 1000) + 1);
    const headers: Record<string, string> = { 'x-ratelimit-limit': '600', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset };
    if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
    return errors(429, [{ message: 'too many requests', field: null }], headers);
  }
  if (fault?.kind === 'unavailable') {
    return { status: 503, headers: fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {}, body: '' };
  }
  const body = request.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return errors(400, [{ message: 'Bad Request', field: null }]);
  const list = personalizations(request);
  if (list.length < 1 || list.length > 1000) {
    return errors(400, [{ message: 'The personalization block is limited to 1000 personalizations per API request.', field: 'personalizations' }]);
  }
  const found: Array<{ message: string; field: string }> = [];
  if (fault?.kind === 'invalid-email') {
    const match = fault.match;
    const culprits = match?.startsWith('@') ? list.flatMap((p, i) => (matchesRecipient(match, String(p.to?.[0]?.email ?? '')) ? [i] : [])) : [faultIndex ?? 0];
    for (const i of culprits) found.push({ message: 'Does not contain a valid address.', field: `personalizations.${i}.to.0.email` });
  }
  list.forEach((p, i) => {
    const email = p.to?.[0]?.email;
    if (typeof email !== 'string' || !EMAIL.test(email)) found.push({ message: 'Does not contain a valid address.', field: `personalizations.${i}.to.0.email` });
    for (const [key, value] of Object.entries(p.custom_args ?? {})) {
      if (typeof value !== 'string') found.push({ message: 'Custom args values must be strings.', field: `personalizations.${i}.custom_args.${key}` });
    }
    const substitutions = Object.entries(p.substitutions ?? {});
    if (substitutions.some(([, value]) => typeof value !== 'string')) found.push({ message: 'Substitutions must be strings.', field: `personalizations.${i}.substitutions` });
    if (substitutions.reduce((n, [key, value]) => n + Buffer.byteLength(key) + Buffer.byteLength(String(value)), 0) > 10_000) {
      found.push({ message: 'The substitutions of a personalization may not exceed 10,000 bytes.', field: `personalizations.${i}.substitutions` });
    }
  });
  const from = body.from as { email?: unknown } | undefined;
  if (typeof from?.email !== 'string') found.push({ message: 'The from object must be provided for every email send.', field: 'from.email' });
  const content = body.content;
  if (!body.template_id && (!Array.isArray(content) || content.length === 0)) found.push({ message: 'Unless a valid template_id is provided, the content parameter is required.', field: 'content' });
  if (found.length > 0) return errors(400, found);

  const accepted = list.map((p) => {
    const id = p.custom_args?.delivery_id;
    return typeof id === 'string' ? id : String(p.to?.[0]?.email);
  });
  return { status: 202, headers: { 'x-message-id': randomBytes(16).toString('base64url').slice(0, 22) }, body: '', accepted };
}

export function startSendGridStub(options: SendGridStubOptions = {}): Promise<SendGridStub> {
  return startStub<SendGridFault>(
    {
      name: 'sendgrid',
      parse: (raw) => parseJson(raw),
      recipients: (request) => personalizations(request).map((p) => String(p.to?.[0]?.email ?? '')),
      handle: (context) => handle(context, options.apiKey),
    },
    options,
  );
}

export type { Fault };
