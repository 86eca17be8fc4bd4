import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, readCsv } from './index';

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
