/**
 * The node flags the notifier runs with (`npm start`, the benchmarks, the tests that spawn it).
 * - 64 MB semi-spaces (young generation) instead of the default 16: a fan-out allocates fast and briefly
 *   (result rows, rendered messages, request bodies), and with small semi-spaces much of it lives through a
 *   scavenge or two and is copied. `npm run bench:fanout -- --recipients 100000`, notifier CPU seconds:
 *   default 9.3–9.5, 32 MB 8.1–8.2, 64 MB 6.7–7.0 (wall 10.1–10.5 → 8.0–8.4 s); peak RSS 168 → 200 → 265 MB.
 * - The old generation may grow to four times what a full collection leaves (`--heap-growing-percent=300`)
 *   before the next one. Under a small cap V8 picks a low growing factor, and a fan-out, whose live heap is a
 *   steady 40–50 MB, ran a full collection every half second (39 in a 300,000-person run, each marking on
 *   four helper threads: a quarter of the notifier's CPU). With the factor: 7 collections; notifier CPU
 *   18.7–20.0 → 15.4–15.8 s, peak RSS 267 → 395 MB (`--recipients 300000 --skip-floor`, `--trace-gc`).
 * - A cap of 512 MB on the old generation, so that a leak fails the process rather than the machine.
 */
export const NOTIFIER_NODE_FLAGS: readonly string[] = ['--max-old-space-size=512', '--heap-growing-percent=300', '--max-semi-space-size=64'];
