import { AsyncLocalStorage } from 'node:async_hooks';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * firebase-admin hard-codes https://fcm.googleapis.com and has no emulator variable (providers.md §3).
 * For a stub or a benchmark we redirect it ourselves:
 * - HTTP/2 (`sendEach` default): `http2.connect` is wrapped once per process. The wrapper redirects only
 *   sessions opened inside `withFcmRedirect(target, …)` (AsyncLocalStorage), so other FCM apps and every
 *   other HTTP/2 user are untouched. It also rewrites the `:scheme` pseudo-header: firebase-admin sends
 *   "https:" (with the colon), which Google tolerates and nghttp2 rejects with a stream reset.
 * - HTTP/1.1 (`send`, legacy transport): an https.Agent whose connections go to the target.
 */
export const FCM_ORIGIN = 'https://fcm.googleapis.com';

const redirectTarget = new AsyncLocalStorage<URL>();
let installed = false;

type Connect = typeof http2.connect;

export function installFcmHttp2Redirect(): void {
  if (installed) return;
  installed = true;
  const original: Connect = http2.connect;
  const redirecting = function (this: unknown, authority: string | URL, ...rest: unknown[]): http2.ClientHttp2Session {
    const target = redirectTarget.getStore();
    const href = typeof authority === 'string' ? authority : authority.href;
    if (!target || !href.startsWith(FCM_ORIGIN)) return (original as (...args: unknown[]) => http2.ClientHttp2Session).call(this, authority, ...rest);
    const session = (original as (...args: unknown[]) => http2.ClientHttp2Session).call(this, target.origin, ...rest);
    const request = session.request.bind(session);
    const scheme = target.protocol.replace(':', '');
    session.request = ((headers?: http2.OutgoingHttpHeaders, options?: http2.ClientSessionRequestOptions) =>
      request({ ...headers, ':scheme': scheme }, options)) as typeof session.request;
    return session;
  };
  (http2 as { connect: Connect }).connect = redirecting as unknown as Connect;
}

/** Runs `work` (which opens FCM HTTP/2 sessions synchronously or later in its async chain) against `target`. */
export function withFcmRedirect<T>(target: URL | undefined, work: () => T): T {
  return target ? redirectTarget.run(target, work) : work();
}

/** An https.Agent for firebase-admin's `httpAgent` that connects to `target` (plain TCP for http: targets). */
export class RedirectingHttpsAgent extends https.Agent {
  constructor(
    private readonly target: URL,
    options: https.AgentOptions = {},
  ) {
    super({ keepAlive: true, maxSockets: 64, ...options });
  }

  override createConnection(): Duplex {
    const port = Number(this.target.port || (this.target.protocol === 'http:' ? 80 : 443));
    const host = this.target.hostname;
    return this.target.protocol === 'http:' ? net.connect(port, host) : tls.connect({ host, port, servername: host, ALPNProtocols: ['http/1.1'] });
  }
}
