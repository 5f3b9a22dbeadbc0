import type { Provider } from '@nestjs/common';
import { PrintBatchScheduler } from './print-batch.scheduler.js';
import { PRINT_BATCH_SETTINGS, printBatchSettingsFromEnv } from '#records';

/** The notifier's letter work: the print-batch schedule and its settings (PRINT_BATCH_* variables). */
export function letterProviders(env: NodeJS.ProcessEnv): Provider[] {
  return [{ provide: PRINT_BATCH_SETTINGS, useValue: printBatchSettingsFromEnv(env) }, PrintBatchScheduler];
}
