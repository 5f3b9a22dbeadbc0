/**
 * The node flags the notifier runs with (`npm start`, the benchmarks, the tests that spawn it).
 * - A heap cap: its live heap stays under 100 MB, and without a cap V8 hoards garbage during a large fan-out.
 * - 64 MB semi-spaces (young generation) instead of the default 16: a fan-out allocates fast and briefly
 *   (result rows, rendered messages, request bodies), and with small semi-spaces much of it lives through a
 *   scavenge or two and is copied. `npm run bench:fanout -- --recipients 100000`, notifier CPU seconds:
 *   default 9.3–9.5, 32 MB 8.1–8.2, 64 MB 6.7–7.0 (wall 10.1–10.5 → 8.0–8.4 s); peak RSS 168 → 200 → 265 MB.
 */
export const NOTIFIER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=256', '--max-semi-space-size=64'];
