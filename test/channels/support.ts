import type { ChannelLog, SendOutcome } from '#channels';

/** Collects adapter log lines so tests can prove they hold no contact data. */
export function captureLog(): { log: ChannelLog; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message, fields) => lines.push(JSON.stringify({ level, message, fields })) };
}

export function results(outcomes: SendOutcome[]): string[] {
  return outcomes.map((o) => o.result);
}

/** Throws if any of `secrets` (addresses, tokens) appears in the serialized values. */
export function expectNoneLeaked(values: unknown[], secrets: string[]): void {
  const text = JSON.stringify(values);
  const leaked = secrets.filter((s) => text.includes(s));
  if (leaked.length > 0) throw new Error(`contact data leaked: ${leaked.length} value(s)`);
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Figures for the report, printed once per file (jest's console adds stack noise; stdout does not). */
export function report(line: string): void {
  process.stdout.write(`[figure] ${line}\n`);
}
