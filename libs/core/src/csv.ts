import { readFileSync } from 'node:fs';
import { CorruptDataError } from './errors';

/** A parsed CSV file: the header and the rows as string cells, with 1-based line numbers for errors. */
export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Line number (1-based, header = 1) of rows[i], for error messages. */
  lineOf(row: number): number;
  /** Column index by name, or a CorruptDataError naming the file and the missing column. */
  column(name: string): number;
  /** A numeric cell; anything that is not a finite number is a CorruptDataError naming file, line and column. */
  number(row: number, column: number): number;
}

/**
 * Read a CSV file strictly: RFC 4180 quoting, every row with exactly as many cells as the header.
 * A short or long row is an error that names the file and line instead of a shifted column. A leading
 * UTF-8 byte-order mark is skipped.
 */
export function readCsv(file: string): CsvTable {
  // Spreadsheet exports often start with a UTF-8 byte-order mark; left in, it becomes part of the
  // first column's name, and 'missing column' errors then name a column that looks present.
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = splitRecords(text, file);
  const [header, ...rows] = lines;
  if (!header || header.cells.length === 0) throw new CorruptDataError(file, '1', 'empty file: no header');
  for (const row of rows) {
    if (row.cells.length !== header.cells.length) {
      throw new CorruptDataError(file, String(row.line), `expected ${header.cells.length} columns (${header.cells.join(', ')}), found ${row.cells.length}`);
    }
  }
  return {
    file,
    header: header.cells,
    rows: rows.map((r) => r.cells),
    lineOf: (i) => rows[i]?.line ?? -1,
    column(name) {
      const i = header.cells.indexOf(name);
      if (i < 0) throw new CorruptDataError(file, '1', `missing column '${name}' (found: ${header.cells.join(', ')})`);
      return i;
    },
    number(row, column) {
      const cell = rows[row]?.cells[column] ?? '';
      const value = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) {
        throw new CorruptDataError(file, String(rows[row]?.line ?? '?'), `column '${header.cells[column]}' is not a finite number: ${JSON.stringify(cell)}`);
      }
      return value;
    },
  };
}

function splitRecords(text: string, file: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let pos = 0;
  let line = 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let raw = text.slice(pos, end);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    const recordLine = line;
    if (raw.includes('"')) {
      // Quoted fields may hold commas or newlines: take the slow path for this record only.
      const parsed = parseQuotedRecord(text, pos, file, line);
      records.push({ line: recordLine, cells: parsed.cells });
      line += parsed.newlines + 1;
      pos = parsed.next;
      continue;
    }
    if (raw !== '') records.push({ line: recordLine, cells: raw.split(',') });
    line++;
    pos = end + 1;
  }
  return records;
}

function parseQuotedRecord(text: string, start: number, file: string, line: number): { cells: string[]; next: number; newlines: number } {
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  let newlines = 0;
  let i = start;
  for (; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else {
        if (ch === '\n') newlines++;
        cell += ch;
      }
    } else if (ch === '"') {
      if (cell !== '') throw new CorruptDataError(file, String(line + newlines), 'quote in the middle of an unquoted field');
      inQuotes = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n') break;
    else if (ch !== '\r') cell += ch;
  }
  if (inQuotes) throw new CorruptDataError(file, String(line), 'unterminated quoted field');
  cells.push(cell);
  return { cells, next: i + 1, newlines };
}

/**
 * What a numeric column may hold. A cell outside it is a CorruptDataError naming the file, line,
 * data row, column and value; an empty or non-numeric cell is one too (see CsvTable.number).
 */
export interface NumericColumnRule {
  /** Inclusive bounds. */
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** The value must be the 0-based row position: an index column listing every index once, in order. */
  readonly rowIndex?: boolean;
  /** A value the file uses for "not measured": read as NaN instead of being checked. */
  readonly missing?: number;
  /** What the values are, for messages, e.g. 'accuracy, %'. */
  readonly what?: string;
}

/** The columns a table must have: numeric ones with their rule, or 'text' (present, not checked here). */
export interface ColumnSchema {
  readonly columns: Readonly<Record<string, NumericColumnRule | 'text'>>;
  /** Expected number of data rows, when fixed. */
  readonly rows?: number;
}

/**
 * Check a table against its schema: the row count, every declared column present, every numeric cell
 * within its rule. Returns the numeric columns by name (NaN where the rule's `missing` value stood).
 */
export function checkColumns(table: CsvTable, schema: ColumnSchema): ReadonlyMap<string, Float64Array> {
  if (schema.rows !== undefined && table.rows.length !== schema.rows) {
    throw new CorruptDataError(table.file, '', `expected ${schema.rows} rows, found ${table.rows.length}`);
  }
  const out = new Map<string, Float64Array>();
  for (const [name, rule] of Object.entries(schema.columns)) {
    const col = table.column(name);
    if (rule === 'text') continue;
    const values = new Float64Array(table.rows.length);
    const min = rule.min ?? -Infinity;
    const max = rule.max ?? Infinity;
    const bad = (row: number, problem: string): never => {
      throw new CorruptDataError(table.file, String(table.lineOf(row)), `row ${row}, column '${name}': ${table.rows[row]?.[col]} ${problem}`);
    };
    for (let row = 0; row < values.length; row++) {
      const value = table.number(row, col);
      if (value === rule.missing) {
        values[row] = NaN;
        continue;
      }
      if (rule.rowIndex && value !== row) bad(row, `is not the row's index ${row} (an index column lists 0, 1, 2, … once each, in order)`);
      if (rule.integer && !Number.isInteger(value)) bad(row, 'is not an integer');
      if (value < min || value > max) {
        bad(row, `is outside ${min === -Infinity ? '(-∞' : `[${min}`}, ${max === Infinity ? '∞)' : `${max}]`}${rule.what ? ` (${rule.what})` : ''}`);
      }
      values[row] = value;
    }
    out.set(name, values);
  }
  return out;
}
