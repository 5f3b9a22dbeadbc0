/** How letters are gathered into print batches; read by the notifier (schedule) and the api (on demand). */
export interface PrintBatchSettings {
  /**
   * Most letters in one batch. The batch's PDF is written in one pdfkit document, which keeps ≈3.3 KB per
   * page until the end, so the cap bounds the memory of a download (5,000 two-page letters ≈ 33 MB).
   */
  maxLetters: number;
  /** How often each notifier gathers waiting letters. */
  intervalMs: number;
}

export const PRINT_BATCH_SETTINGS = Symbol('PRINT_BATCH_SETTINGS');
export const DEFAULT_PRINT_BATCH_MAX_LETTERS = 5_000;
export const PRINT_BATCH_MAX_LETTERS_LIMIT = 20_000;

/** PRINT_BATCH_MAX_LETTERS (1..20000, default 5000), PRINT_BATCH_INTERVAL_S (1..86400, default 300). */
export function printBatchSettingsFromEnv(env: NodeJS.ProcessEnv): PrintBatchSettings {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  return {
    maxLetters: int('PRINT_BATCH_MAX_LETTERS', DEFAULT_PRINT_BATCH_MAX_LETTERS, 1, PRINT_BATCH_MAX_LETTERS_LIMIT),
    intervalMs: int('PRINT_BATCH_INTERVAL_S', 300, 1, 86_400) * 1000,
  };
}
