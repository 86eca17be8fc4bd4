import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptDataError, InvalidInputError } from './errors';
import { appendJsonLine, readJsonLines } from './json-lines';

const tmp = () => join(mkdtempSync(join(tmpdir(), 'fsnas-jsonl-')), 'sub', 'j.jsonl');

describe('JSON-lines journals', () => {
  it('names a journal path that is a directory in a typed error (metrics validate --journal <dir> was EISDIR, exit 3)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-jsonl-'));
    mkdirSync(join(dir, 'j.jsonl'));
    expect(() => readJsonLines(join(dir, 'j.jsonl'))).toThrow(InvalidInputError);
    expect(() => readJsonLines(join(dir, 'j.jsonl'))).toThrow(/is a directory, not a file/);
  });

  it('appends one line per value and reads them back with line numbers', () => {
    const file = tmp();
    expect(readJsonLines(file)).toEqual([]);
    appendJsonLine(file, { a: 1 });
    appendJsonLine(file, [2, 3]);
    expect(readJsonLines(file)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, value: [2, 3] }]);
  });

  it('skips a torn last line and cuts it off before the next append', () => {
    const file = tmp();
    appendJsonLine(file, { a: 1 });
    appendFileSync(file, '{"a": 2, "b"'); // killed mid-write
    expect(readJsonLines(file).map((l) => l.value)).toEqual([{ a: 1 }]);
    appendJsonLine(file, { a: 3 });
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":3}\n');
  });

  it('cuts a torn first line (no newline anywhere) as well, across the 4 KiB read window', () => {
    const file = tmp();
    appendJsonLine(file, { pad: 'x'.repeat(5000) });
    appendFileSync(file, `{"torn": "${'y'.repeat(9000)}`);
    appendJsonLine(file, 1);
    expect(readJsonLines(file).map((l) => l.value)).toEqual([{ pad: 'x'.repeat(5000) }, 1]);
    const alone = tmp();
    appendJsonLine(alone, 0);
    writeFileSync(alone, '{"torn"');
    appendJsonLine(alone, 2);
    expect(readFileSync(alone, 'utf8')).toBe('2\n');
  });

  it('rejects a corrupt line in the middle with file and line number', () => {
    const file = tmp();
    appendJsonLine(file, 1);
    appendFileSync(file, 'not json\n');
    appendJsonLine(file, 2);
    expect(() => readJsonLines(file)).toThrow(CorruptDataError);
    expect(() => readJsonLines(file)).toThrow(/j\.jsonl:2: not valid JSON/);
  });
});
