import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, checkWritableDir, checkWritableFile, readInputFile } from './index';

describe('files the user names (issue 14: EISDIR and hangs on bad paths)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-input-'));

  it('reads a file, and names a missing file or a directory in a typed error', () => {
    writeFileSync(join(dir, 'a.txt'), '1\n');
    mkdirSync(join(dir, 'sub'));
    expect(readInputFile(join(dir, 'a.txt'), '--archs')).toBe('1\n');
    expect(() => readInputFile(join(dir, 'missing.txt'), '--archs')).toThrow(new InvalidInputError(`--archs: cannot read '${join(dir, 'missing.txt')}' (no such file)`));
    expect(() => readInputFile(join(dir, 'sub'), '--archs')).toThrow(new InvalidInputError(`--archs: '${join(dir, 'sub')}' is a directory, not a file`));
  });

  it('refuses output paths that cannot be written, before any work, and leaves no probe behind', () => {
    expect(() => checkWritableDir(join(dir, 'out', 'deeper'), '--out')).not.toThrow();
    expect(readdirSync(join(dir, 'out', 'deeper'))).toEqual([]);
    expect(() => checkWritableDir('/proc/fsnas/out', '--out')).toThrow(/--out: cannot write to '\/proc\/fsnas\/out' \(ENOENT\)/);
    expect(() => checkWritableFile('/proc/fsnas/s.json', '--out')).toThrow(new InvalidInputError("--out: cannot write '/proc/fsnas/s.json': its folder '/proc/fsnas' cannot be written (ENOENT)"));
    expect(() => checkWritableFile(join(dir, 'sub'), '--out')).toThrow(/is a directory; give a file path/);
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => checkWritableDir(join(dir, 'file'), '--out')).toThrow(/--out: cannot write to '.*file' \(not a directory\)/);
    expect(() => checkWritableFile(join(dir, 'new.json'), '--out')).not.toThrow();
  });
});
