/**
 * The shared part of the provider stubs: one port that speaks HTTP/1.1 and cleartext HTTP/2 (h2c,
 * detected from the connection preface), a fault queue, counters of accepted messages per delivery id,
 * in-flight tracking and a small control API under /__stub/ for use from another process.
 * No dependency outside node: the stubs also run as `node dist/test/stubs/run.js`.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import http2, { type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import net from 'node:net';

/** Faults every stub understands. Provider stubs add their own error kinds. */
export type CommonFault =
  /** 429 with Retry-After (delta-seconds or an HTTP-date). */
  | { kind: 'rate-limit'; retryAfter?: string }
  /** 503, optionally with Retry-After. */
  | { kind: 'unavailable'; retryAfter?: string }
  /** Never answer (until the client gives up or the stub stops). */
  | { kind: 'hang' }
  /** Drop the connection (HTTP/1.1: socket destroyed; HTTP/2: the stream is reset, or the session when not targeted). */
  | { kind: 'reset' };

export interface FaultTargeting {
  /**
   * Only requests for this recipient (e-mail address, phone number, push token), or for any address at a
   * domain when it starts with `@` (e.g. `@bounce.example.org`); any request when absent.
   */
  match?: string;
  /** How many matching requests get the fault (default 1; Infinity = until cleared). */
  times?: number;
}

export type Fault<Own extends { kind: string }> = (CommonFault | Own) & FaultTargeting;

export interface RecordedRequest {
  method: string;
  path: string;
  protocol: 'http/1.1' | 'h2';
  headers: IncomingHttpHeaders;
  body: unknown;
}

export type StubReply =
  | { status: number; headers?: Record<string, string>; body?: unknown; accepted?: string[] }
  | { hang: true }
  | { reset: true; streamOnly: boolean };

export interface StubContext<Own extends { kind: string }> {
  request: RecordedRequest;
  /** The fault taken for this request, if any (already counted down). */
  fault: Fault<Own> | undefined;
  /** Index (in `recipients`) of the recipient the fault matched, when it was targeted. */
  faultIndex: number | undefined;
}

export interface StubDefinition<Own extends { kind: string }> {
  name: string;
  parse(raw: Buffer, headers: IncomingHttpHeaders): unknown;
  /** The recipients of one request (for fault targeting); empty when the request is not a send. */
  recipients(request: RecordedRequest): string[];
  handle(context: StubContext<Own>): StubReply;
}

export interface StubOptions {
  port?: number;
  host?: string;
  /** Delay before every answer (to make concurrency observable or mimic a round trip). */
  latencyMs?: number;
  /** How many requests to keep in `requests.recent` (bodies included); 0 for benchmarks. */
  keepRequests?: number;
}

export interface RequestLog {
  /** Every request received (control API excluded). */
  count: number;
  /** The most recent requests, oldest first, at most `keepRequests`. */
  recent: RecordedRequest[];
  readonly bodies: unknown[];
  inFlight: number;
  maxInFlight: number;
  connections: number;
}

export interface ProviderStub<Own extends { kind: string }> {
  url: string;
  port: number;
  requests: RequestLog;
  inject(fault: Fault<Own>): void;
  clearFaults(): void;
  /** Accepted messages per delivery id (or per address when a message carried no id). */
  accepted(): Map<string, number>;
  /** Accepted messages beyond the first per key. */
  duplicates(): number;
  /** Forget requests, counters and faults. */
  reset(): void;
  stop(): Promise<void>;
}

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

/** A fault's `match` against one recipient: the exact recipient, or any address at an `@domain`. */
export function matchesRecipient(match: string, recipient: string): boolean {
  return match.startsWith('@') ? recipient.endsWith(match) : recipient === match;
}

export async function startStub<Own extends { kind: string }>(definition: StubDefinition<Own>, options: StubOptions = {}): Promise<ProviderStub<Own>> {
  const keep = options.keepRequests ?? 1000;
  const latency = options.latencyMs ?? 0;
  const faults: Array<Fault<Own> & { left: number }> = [];
  const acceptedCounts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  /** Raw sockets by client port: HTTP/2 requests only expose a proxy that refuses to be destroyed. */
  const connectionOf = new Map<number, net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const log: RequestLog = {
    count: 0,
    recent: [],
    get bodies() {
      return this.recent.map((r) => r.body);
    },
    inFlight: 0,
    maxInFlight: 0,
    connections: 0,
  };

  const inject = (fault: Fault<Own>) => faults.push({ ...fault, left: fault.times ?? 1 });
  const takeFault = (recipients: string[]): [Fault<Own> | undefined, number | undefined] => {
    for (let i = 0; i < faults.length; i++) {
      const fault = faults[i]!;
      const index = fault.match === undefined ? -1 : recipients.findIndex((r) => matchesRecipient(fault.match!, r));
      if (fault.match !== undefined && index < 0) continue;
      if (--fault.left <= 0) faults.splice(i, 1);
      return [fault, index < 0 ? undefined : index];
    }
    return [undefined, undefined];
  };
  const reset = () => {
    faults.length = 0;
    acceptedCounts.clear();
    log.count = 0;
    log.recent = [];
    log.maxInFlight = log.inFlight;
    log.connections = 0;
  };

  const control = async (path: string, method: string, raw: Buffer): Promise<{ status: number; body: unknown }> => {
    if (path === '/__stub/stats' && method === 'GET') {
      let total = 0;
      for (const n of acceptedCounts.values()) total += n;
      return { status: 200, body: { requests: log.count, accepted: total, unique: acceptedCounts.size, duplicates: total - acceptedCounts.size, maxInFlight: log.maxInFlight, connections: log.connections } };
    }
    if (path === '/__stub/accepted' && method === 'GET') return { status: 200, body: Object.fromEntries(acceptedCounts) };
    if (path === '/__stub/faults' && method === 'POST') {
      const fault = JSON.parse(raw.toString('utf8') || '{}') as Fault<Own>;
      if (fault.times === null) fault.times = Infinity; // JSON has no Infinity
      inject(fault);
      return { status: 204, body: undefined };
    }
    if (path === '/__stub/reset' && method === 'POST') {
      reset();
      return { status: 204, body: undefined };
    }
    return { status: 404, body: { error: 'unknown stub control path' } };
  };

  const onRequest = async (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const path = req.url ?? '/';
    const isControl = path.startsWith('/__stub/');
    let finished = isControl;
    const done = () => {
      if (!finished) {
        finished = true;
        log.inFlight--;
      }
    };
    if (!isControl) {
      // In flight from the moment the request arrives until it is answered or dropped.
      log.count++;
      log.inFlight++;
      log.maxInFlight = Math.max(log.maxInFlight, log.inFlight);
      res.on('close', done);
      res.on('finish', done);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const send = (status: number, headers: Record<string, string>, body: unknown) => {
      if (res.writableEnded || res.destroyed) return;
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      const all: Record<string, string> = { ...headers };
      if (body !== undefined && typeof body !== 'string') all['content-type'] = 'application/json; charset=utf-8';
      (res as ServerResponse).writeHead(status, all);
      res.end(text);
    };
    if (isControl) {
      const { status, body } = await control(path, req.method ?? 'GET', raw);
      send(status, {}, body);
      return;
    }

    let body: unknown;
    try {
      body = definition.parse(raw, req.headers);
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      protocol: req.httpVersionMajor === 2 ? 'h2' : 'http/1.1',
      headers: req.headers,
      body,
    };
    if (keep > 0) {
      log.recent.push(recorded);
      if (log.recent.length > keep) log.recent.shift();
    }
    const [fault, faultIndex] = takeFault(definition.recipients(recorded));
    const reply: StubReply =
      fault?.kind === 'hang' ? { hang: true }
      : fault?.kind === 'reset' ? { reset: true, streamOnly: fault.match !== undefined }
      : definition.handle({ request: recorded, fault, faultIndex });
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

    if ('hang' in reply) return;
    if ('reset' in reply) {
      if ('stream' in req && reply.streamOnly) req.stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
      else (connectionOf.get(req.socket.remotePort ?? -1) ?? req.socket).resetAndDestroy(); // TCP RST
      done();
      return;
    }
    for (const key of reply.accepted ?? []) acceptedCounts.set(key, (acceptedCounts.get(key) ?? 0) + 1);
    send(reply.status, reply.headers ?? {}, reply.body);
  };

  const h1 = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => void onRequest(req, res));
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: 1000 } }, (req, res) => void onRequest(req, res));
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const port = socket.remotePort ?? -1;
    connectionOf.set(port, socket);
    log.connections++;
    socket.on('close', () => {
      sockets.delete(socket);
      if (connectionOf.get(port) === socket) connectionOf.delete(port);
    });
    socket.on('error', () => undefined);
    socket.once('readable', () => {
      const head = socket.read() as Buffer | null;
      if (!head) return;
      socket.unshift(head);
      const isH2 = head.subarray(0, H2_PREFACE.length).equals(H2_PREFACE);
      (isH2 ? h2 : h1).emit('connection', socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    requests: log,
    inject,
    clearFaults: () => void (faults.length = 0),
    accepted: () => new Map(acceptedCounts),
    duplicates: () => {
      let extra = 0;
      for (const n of acceptedCounts.values()) extra += n - 1;
      return extra;
    },
    reset,
    stop: async () => {
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** application/x-www-form-urlencoded → object; repeated keys become arrays. */
export function parseForm(raw: Buffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

export function parseJson(raw: Buffer): unknown {
  return raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
}
