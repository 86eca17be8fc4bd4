import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, checkColumns, readCsv, type ColumnSchema } from './index';

function csv(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fsnas-csv-')), 't.csv');
  writeFileSync(file, text);
  return file;
}

describe('readCsv', () => {
  it('reads plain, quoted (with commas, quotes and newlines) and CRLF records', () => {
    const t = readCsv(csv('a,b,c\r\n1,"(4, 3)",x\n2,"say ""hi""","two\nlines"\n3,,z\n'));
    expect(t.header).toEqual(['a', 'b', 'c']);
    expect(t.rows).toEqual([
      ['1', '(4, 3)', 'x'],
      ['2', 'say "hi"', 'two\nlines'],
      ['3', '', 'z'],
    ]);
    expect(t.lineOf(2)).toBe(5);
    expect(t.number(0, t.column('a'))).toBe(1);
  });

  it('names file, line and column of bad cells', () => {
    const t = readCsv(csv('a,b\n1,2\nx,4\n,5\n'));
    expect(() => t.number(1, 0)).toThrow(/t\.csv:3: column 'a' is not a finite number: "x"/);
    expect(() => t.number(2, 0)).toThrow(CorruptDataError);
    expect(() => t.column('zzz')).toThrow(/missing column 'zzz'/);
  });

  it('rejects ragged rows, stray quotes and empty files', () => {
    expect(() => readCsv(csv('a,b\n1,2,3\n'))).toThrow(/:2: expected 2 columns/);
    expect(() => readCsv(csv('a,b\n1,"2\n'))).toThrow(/unterminated quoted field/);
    expect(() => readCsv(csv('a,b\n1,x"2"\n'))).toThrow(/quote in the middle/);
    expect(() => readCsv(csv(''))).toThrow(/empty file/);
  });

  it('strips a UTF-8 byte-order mark, so the first column keeps its name', () => {
    const t = readCsv(csv('\uFEFFacc,name\r\n91.5,x\r\n'));
    expect(t.header).toEqual(['acc', 'name']);
    expect(t.number(0, t.column('acc'))).toBe(91.5);
  });
});

describe('checkColumns', () => {
  const schema: ColumnSchema = {
    columns: {
      id: { rowIndex: true },
      acc: { min: 0, max: 100, what: 'accuracy, %' },
      ms: { min: 0, missing: -1, what: 'latency, ms' },
      n: { min: 1, integer: true },
      name: 'text',
    },
    rows: 3,
  };
  const table = (...rows: string[]) => readCsv(csv(['id,acc,ms,n,name', ...rows].join('\n')));

  it('returns the numeric columns, with the missing-value sentinel as NaN', () => {
    const cols = checkColumns(table('0,0,1.5,1,a', '1,100,-1,5,b', '2,55.5,0,2,c'), schema);
    expect([...cols.get('acc')!]).toEqual([0, 100, 55.5]);
    expect([...cols.get('ms')!]).toEqual([1.5, NaN, 0]);
    expect(cols.has('name')).toBe(false);
  });

  it.each([
    [['0,0,1,1,a', '1,100.5,1,1,b', '2,0,1,1,c'], /t\.csv:3: row 1, column 'acc': 100\.5 is outside \[0, 100\] \(accuracy, %\)/],
    [['0,0,1,1,a', '1,0,-2,1,b', '2,0,1,1,c'], /t\.csv:3: row 1, column 'ms': -2 is outside \[0, ∞\) \(latency, ms\)/],
    [['0,0,1,1,a', '1,0,1,1.5,b', '2,0,1,1,c'], /t\.csv:3: row 1, column 'n': 1\.5 is not an integer/],
    [['0,0,1,1,a', '0,0,1,1,b', '2,0,1,1,c'], /t\.csv:3: row 1, column 'id': 0 is not the row's index 1/],
    [['0,0,1,1,a', '1,0,1,1,b'], /t\.csv: expected 3 rows, found 2/],
  ])('rejects bad cells and row counts: %j', (rows, message) => {
    expect(() => checkColumns(table(...rows), schema)).toThrow(CorruptDataError);
    expect(() => checkColumns(table(...rows), schema)).toThrow(message);
  });

  it('rejects a table without a declared column', () => {
    expect(() => checkColumns(readCsv(csv('id,acc\n0,1\n')), { columns: { id: { rowIndex: true }, ms: { min: 0 } } })).toThrow(/missing column 'ms'/);
  });
});
