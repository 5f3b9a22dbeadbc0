const REF = /^INC-(\d{4})-(\d{4,})$/;

/** Human reference: INC-<year>-<sequence within the year, at least four digits>. */
export function formatIncidentRef(year: number, sequence: number): string {
  return `INC-${year}-${String(sequence).padStart(4, '0')}`;
}

export function isIncidentRef(value: string): boolean {
  return REF.test(value);
}
