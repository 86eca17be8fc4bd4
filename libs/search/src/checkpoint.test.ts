import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptDataError, InvalidInputError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { checkCheckpointPath, readCheckpoint, writeCheckpoint } from './checkpoint';

describe('checkpoint paths (issue 14)', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'fsnas-ckpt-'));

  it('refuses a directory with a typed error naming the path', () => {
    const d = dir();
    expect(() => readCheckpoint(d)).toThrow(InvalidInputError);
    expect(() => readCheckpoint(d)).toThrow(`checkpoint ${d} is a directory, not a checkpoint file`);
    expect(() => checkCheckpointPath(d)).toThrow(InvalidInputError);
  });

  it('accepts a missing file in an existing or creatable folder, and refuses a folder that is a file', () => {
    const d = dir();
    expect(() => checkCheckpointPath(join(d, 'new.ckpt'))).not.toThrow();
    expect(() => checkCheckpointPath(join(d, 'sub', 'new.ckpt'))).not.toThrow();
    writeFileSync(join(d, 'file'), 'x');
    expect(() => checkCheckpointPath(join(d, 'file', 'new.ckpt'))).toThrow(/checkpoint .*file\/new\.ckpt: .*file is not a directory/);
  });

  it('refuses a folder that cannot be written, before the search (it used to hang at the first checkpoint)', () => {
    expect(() => checkCheckpointPath('/proc/fsnas/search.ckpt')).toThrow(new InvalidInputError("checkpoint /proc/fsnas/search.ckpt: cannot write to '/proc/fsnas' (ENOENT)"));
  });

  it('reports a checkpoint whose header is not JSON as corrupt data', () => {
    const d = dir();
    const path = join(d, 'bad.ckpt');
    const header = Buffer.from('{not json');
    const buf = Buffer.alloc(12 + header.length);
    buf.write('FSNASCK1', 0);
    buf.writeUInt32LE(header.length, 8);
    header.copy(buf, 12);
    writeFileSync(path, buf);
    expect(() => readCheckpoint(path)).toThrow(CorruptDataError);
    mkdirSync(join(d, 'ok'));
    const ok = join(d, 'ok', 'a.ckpt');
    writeCheckpoint(ok, { header: { configHash: 'h', epochsDone: 1, alpha: [], adam: { t: 0, m: [], v: [] } as never, mask: [], history: [], rng: { seed: 0, nextEpoch: 1 } }, tensors: [] });
    expect(readCheckpoint(ok)?.header.epochsDone).toBe(1);
  });
});
