import type { SandboxRecord } from '#channels';
import type { Database } from '#database';

/** The sandbox transport's destination: every "sent" message lands in the outbox table, set-wise. */
export function outboxSink(db: Database) {
  return async (records: readonly SandboxRecord[]): Promise<void> => {
    const rows = records.map((r) => {
      const m = r.message as unknown as Record<string, string | undefined>;
      switch (r.kind) {
        case 'email':
          return [m.deliveryId, 'email', m.to, m.subject, m.text, m.html, null];
        case 'sms':
          return [m.deliveryId, 'sms', m.to, null, m.body, null, null];
        case 'push':
          return [m.deliveryId, 'push', m.token, m.title, m.body, null, m.link];
        default:
          return [m.deliveryId, 'letter', m.postalAddress, null, m.documentRef, null, null];
      }
    });
    const column = (i: number) => rows.map((r) => r[i] ?? null);
    await db.rows(
      `INSERT INTO outbox_messages (delivery_id, channel, recipient, subject, body, html, link)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
      [column(0), column(1), column(2), column(3), column(4), column(5), column(6)],
    );
  };
}
