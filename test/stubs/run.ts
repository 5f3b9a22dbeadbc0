/**
 * Runs provider stubs as a separate process (for benchmarks):
 *   node dist/test/stubs/run.js --provider all --port 9400 [--host 127.0.0.1] [--latency-ms 0]
 * With --provider all the stubs take consecutive ports (sendgrid, twilio, fcm); with --port 0 each gets a
 * free one. Prints one JSON line {"sendgrid":"http://…","twilio":…,"fcm":…} once listening. Control each
 * stub over HTTP: GET /__stub/stats, GET /__stub/accepted, POST /__stub/faults {kind,match?,times?}
 * (times: null = always), POST /__stub/reset. Stops on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startFcmStub } from './fcm.stub.js';
import { startSendGridStub } from './sendgrid.stub.js';
import type { StubOptions } from './stub-core.js';
import { startTwilioStub } from './twilio.stub.js';

const PROVIDERS = ['sendgrid', 'twilio', 'fcm'] as const;
type Provider = (typeof PROVIDERS)[number];

const { values } = parseArgs({
  options: {
    provider: { type: 'string', default: 'all' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'latency-ms': { type: 'string', default: '0' },
  },
});

const wanted: Provider[] = values.provider === 'all' ? [...PROVIDERS] : [values.provider as Provider];
if (!wanted.every((p) => PROVIDERS.includes(p))) {
  process.stderr.write(`--provider must be one of ${PROVIDERS.join(', ')}, all\n`);
  process.exit(2);
}
const basePort = Number(values.port);
const starters = { sendgrid: startSendGridStub, twilio: startTwilioStub, fcm: startFcmStub };
const stubs = await Promise.all(
  wanted.map((provider, i) => {
    const options: StubOptions = { host: values.host, port: basePort === 0 ? 0 : basePort + i, latencyMs: Number(values['latency-ms']), keepRequests: 0 };
    return starters[provider](options);
  }),
);
process.stdout.write(`${JSON.stringify(Object.fromEntries(wanted.map((p, i) => [p, stubs[i]!.url])))}\n`);

const stop = async () => {
  await Promise.all(stubs.map((stub) => stub.stop()));
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
