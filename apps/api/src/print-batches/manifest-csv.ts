// RFC 4180 quoting, and a cell a spreadsheet would run as a formula is neutralised (names come from imports).
import { csvLine, type LetterModel, type NoticeSubject } from '#domain';

/** Address lines per manifest line; more lines are joined into the last (as the letter's window does). */
export const MANIFEST_ADDRESS_LINES = 6;

export const MANIFEST_COLUMNS = [
  'delivery_id', 'position', 'recipient_name',
  ...Array.from({ length: MANIFEST_ADDRESS_LINES }, (_, i) => `address_line_${i + 1}`),
  'country', 'pages',
];

export const MANIFEST_HEADER = csvLine(MANIFEST_COLUMNS);

/**
 * One letter's manifest line. The recipient name is the letter's addressee (the guardian for a minor) and
 * the address lines are the rest of the letter's address block, so the manifest matches the envelope.
 * Pages are left empty: the PDF writer does not report pages per letter (the batch total is logged).
 */
export function manifestLine(letter: { row: { delivery_id: number; position: number; country: string | null }; subject: NoticeSubject; model: LetterModel }): string {
  const { row, subject, model } = letter;
  const hasAddressee = subject.isMinor || Boolean(subject.name?.trim());
  const name = hasAddressee ? model.recipientLines[0] ?? '' : '';
  const lines = hasAddressee ? model.recipientLines.slice(1) : model.recipientLines;
  const address = lines.length <= MANIFEST_ADDRESS_LINES
    ? lines
    : [...lines.slice(0, MANIFEST_ADDRESS_LINES - 1), lines.slice(MANIFEST_ADDRESS_LINES - 1).join(', ')];
  return csvLine([
    row.delivery_id, row.position, name,
    ...Array.from({ length: MANIFEST_ADDRESS_LINES }, (_, i) => address[i] ?? ''),
    row.country ?? '', '',
  ]);
}
