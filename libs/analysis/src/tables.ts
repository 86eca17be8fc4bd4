import { from } from 'arquero';

export type TableCell = string | number | boolean | null;
/** Plain table rows, as the findings return them. */
export type TableRow = Readonly<Record<string, TableCell>>;

/**
 * CSV text of plain rows (header from the first row's keys), through Arquero so notebooks read the
 * same columns back with `aq.loadCSV`/`aq.fromCSV`. Arrays (e.g. chosen-leaf counts) should be
 * flattened to strings by the caller: CSV has no nested values.
 */
export function tableCsv<T extends { readonly [K in keyof T]: TableCell }>(rows: readonly T[]): string {
  return from(rows as unknown as TableRow[]).toCSV();
}
