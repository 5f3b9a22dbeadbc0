/**
 * The node flags the notifier runs with (`npm start`, the benchmarks, the tests that spawn it).
 * - A heap cap: its live heap stays under 100 MB, and without a cap V8 hoards garbage during a large fan-out.
 * - 32 MB semi-spaces (young generation) instead of 16: a fan-out allocates fast and briefly (rendered
 *   messages, request bodies, result rows), and the default made scavenges cost ~1.2 CPU-s per 100,000
 *   recipients more (measured with `npm run bench:fanout -- --recipients 100000`: notifier 9.3–9.5 → 8.1–8.2
 *   CPU-s, peak RSS 168 → 200 MB).
 */
export const NOTIFIER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=256', '--max-semi-space-size=32'];
