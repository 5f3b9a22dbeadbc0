import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '#domain';

/** The notifier's tuning, from the environment. Provider credentials are read by libs/channels. */
export interface NotifierConfig {
  databaseUrl: string;
  /** Base of the links in notices: `${publicUrl}/n/<token>`. */
  publicUrl: string;
  /** Deliveries claimed per batch (capped by each provider's maximum batch). */
  batchSize: number;
  /** Batches of one channel in flight at once in this process (and parallel queue loops per channel). */
  concurrency: number;
  /**
   * Loops that lease and send audience parts: one more than `concurrency`, so that one loop's database round
   * trips overlap the others' sends. `bench:fanout --recipients 1000000 --skip-floor`, notifier wall time:
   * 2 loops 56.0–57.1 s, 3 loops 52.3–55.8 s (median of four 54.9), 4 loops 52.3–55.5 s.
   */
  audienceLoops: number;
  leaseSeconds: number;
  idleMs: number;
  /** People an audience loop expands, leases and sends at a time (each channel's share in its own batches). */
  expandChunk: number;
  tickMs: number;
  retry: RetryPolicy;
}

export function notifierConfigFromEnv(env: NodeJS.ProcessEnv, databaseUrl = env.DATABASE_URL): NotifierConfig {
  if (!databaseUrl) throw new Error('DATABASE_URL is not set (npm start sets it for the embedded database)');
  const int = (name: string, fallback: number) => {
    const value = env[name] === undefined || env[name] === '' ? fallback : Number(env[name]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  const concurrency = int('NOTIFIER_CONCURRENCY', 2);
  return {
    databaseUrl,
    publicUrl: (env.TOCSIN_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
    batchSize: int('NOTIFIER_BATCH_SIZE', 1000),
    concurrency,
    audienceLoops: int('NOTIFIER_AUDIENCE_LOOPS', concurrency + 1),
    leaseSeconds: int('NOTIFIER_LEASE_SECONDS', 60),
    idleMs: int('NOTIFIER_IDLE_MS', 100),
    expandChunk: int('NOTIFIER_EXPAND_CHUNK', 2000),
    tickMs: int('NOTIFIER_TICK_MS', 200),
    retry: {
      maxAttempts: int('NOTIFIER_RETRY_MAX_ATTEMPTS', DEFAULT_RETRY_POLICY.maxAttempts),
      baseDelayMs: int('NOTIFIER_RETRY_BASE_MS', DEFAULT_RETRY_POLICY.baseDelayMs),
      maxDelayMs: int('NOTIFIER_RETRY_MAX_MS', DEFAULT_RETRY_POLICY.maxDelayMs),
    },
  };
}
