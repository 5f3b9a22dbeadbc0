import type { PrintBatchRow } from '#records';

export function printBatchView(r: PrintBatchRow) {
  return {
    id: r.id,
    status: r.status,
    letterCount: r.letter_count,
    createdAt: r.created_at,
    /** null: gathered by the notifier's schedule. */
    createdBy: r.created_by,
    readyAt: r.ready_at,
    mailedAt: r.mailed_at,
    mailedBy: r.mailed_by,
  };
}
export type PrintBatchView = ReturnType<typeof printBatchView>;
