/**
 * FCM HTTP v1 POST /v1/projects/{project}/messages:send (providers.md §3), over HTTP/2 (h2c; what
 * firebase-admin's sendEach uses, once redirected) or HTTP/1.1 (send() and the legacy transport) on the
 * same port. Bearer auth, JSON {"message":{token,…}, "validate_only"?}, 200 {"name":"projects/P/messages/…"},
 * errors as Google RPC status JSON with an FcmError detail, which firebase-admin maps to messaging/* codes.
 */
import { parseJson, type ProviderStub, startStub, type StubContext, type StubOptions, type StubReply } from './stub-core.js';

export type FcmFault =
  /** 404 NOT_FOUND / UNREGISTERED: the app was uninstalled or the token expired. */
  | { kind: 'unregistered' }
  /** 400 INVALID_ARGUMENT: e.g. a malformed registration token. */
  | { kind: 'invalid-argument' }
  /** 401 UNAUTHENTICATED: the OAuth token was rejected. */
  | { kind: 'unauthenticated' }
  /** 403 PERMISSION_DENIED / SENDER_ID_MISMATCH: the token belongs to another project. */
  | { kind: 'sender-mismatch' };

export interface FcmStubOptions extends StubOptions {
  /** When set, only this bearer token is accepted (otherwise any non-empty one). */
  accessToken?: string;
}

export type FcmStub = ProviderStub<FcmFault>;

const PATH = /^\/v1\/projects\/([^/]+)\/messages:send$/;
const FCM_ERROR = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

function rpcError(code: number, status: string, message: string, fcmCode?: string, headers: Record<string, string> = {}): StubReply {
  const error: Record<string, unknown> = { code, message, status };
  if (fcmCode) error.details = [{ '@type': FCM_ERROR, errorCode: fcmCode }];
  return { status: code, headers, body: { error } };
}

let sequence = 0;

function handle({ request, fault }: StubContext<FcmFault>, options: FcmStubOptions): StubReply {
  const match = PATH.exec(request.path.split('?')[0]!);
  if (request.method !== 'POST' || !match) return rpcError(404, 'NOT_FOUND', 'Not Found');
  const auth = String(request.headers.authorization ?? '');
  const badAuth = !auth.startsWith('Bearer ') || auth.length <= 7 || (options.accessToken !== undefined && auth !== `Bearer ${options.accessToken}`);
  if (badAuth || fault?.kind === 'unauthenticated') {
    return rpcError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
  }
  if (fault?.kind === 'rate-limit') {
    return rpcError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for sending messages.', 'QUOTA_EXCEEDED', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
  }
  if (fault?.kind === 'unavailable') {
    return rpcError(503, 'UNAVAILABLE', 'The service is currently unavailable.', 'UNAVAILABLE', fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
  }
  if (fault?.kind === 'sender-mismatch') return rpcError(403, 'PERMISSION_DENIED', 'SenderId mismatch', 'SENDER_ID_MISMATCH');
  const body = request.body as { message?: { token?: unknown; data?: Record<string, unknown> }; validate_only?: boolean } | undefined;
  const token = body?.message?.token;
  if (typeof token !== 'string' || token === '' || fault?.kind === 'invalid-argument') {
    return rpcError(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token', 'INVALID_ARGUMENT');
  }
  if (fault?.kind === 'unregistered') return rpcError(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');
  const name = `projects/${match[1]}/messages/0:${Date.now()}%${(++sequence).toString(16)}`;
  if (body?.validate_only) return { status: 200, body: { name } };
  const deliveryId = body?.message?.data?.delivery_id;
  return { status: 200, body: { name }, accepted: [typeof deliveryId === 'string' ? deliveryId : token] };
}

export function startFcmStub(options: FcmStubOptions = {}): Promise<FcmStub> {
  return startStub<FcmFault>(
    {
      name: 'fcm',
      parse: (raw) => parseJson(raw),
      recipients: (request) => {
        const token = (request.body as { message?: { token?: unknown } } | undefined)?.message?.token;
        return typeof token === 'string' ? [token] : [];
      },
      handle: (context) => handle(context, options),
    },
    options,
  );
}
