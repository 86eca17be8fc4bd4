import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError, readJsonLines } from '@fsnas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussianBatchSource } from '../scoring/data';
import { TINY, useTestBackend } from '../testing';
import { loadNaslibScores, validateAgainstNaslib, type ValidateOptions } from './validate';

const rows = loadNaslibScores();
const options = (extra: Partial<ValidateOptions> = {}): ValidateOptions => ({
  rows,
  sample: 6,
  sampleSeed: 3,
  columns: ['grad_norm', 'snip', 'params'],
  network: TINY,
  batchSize: 8,
  source: gaussianBatchSource(8, 8),
  ...extra,
});

describe('NASLib validation', () => {
  beforeAll(useTestBackend);

  it('an interrupted validation resumes from its journal and gives the uninterrupted table', () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'fsnas-validate-')), 'scores.jsonl');
    let calls = 0;
    const dying = options({ journal, onArch: () => { if (++calls === 4) throw new Error('killed'); } });
    expect(() => validateAgainstNaslib(dying)).toThrow('killed');
    expect(readJsonLines(journal)).toHaveLength(1 + 4); // settings line + the 4 finished architectures

    const resumed: number[] = [];
    const table = validateAgainstNaslib(options({ journal, onResume: (done) => resumed.push(done), onArch: () => resumed.push(-1) }));
    expect(resumed).toEqual([4, -1, -1]);
    const fresh = validateAgainstNaslib(options());
    const strip = (t: typeof table) => t.map(({ secondsPerArch: _, ...rest }) => rest);
    expect(strip(table)).toEqual(strip(fresh));
    expect(table.map((r) => r.n)).toEqual([6, 6, 6]);
  });

  it('refuses a journal written with other settings', () => {
    const journal = join(mkdtempSync(join(tmpdir(), 'fsnas-validate-')), 'scores.jsonl');
    validateAgainstNaslib(options({ journal, sample: 2 }));
    expect(() => validateAgainstNaslib(options({ journal, sample: 2, seed: 7 }))).toThrow(InvalidInputError);
    expect(() => validateAgainstNaslib(options({ journal, sample: 2, columns: ['grad_norm'] }))).toThrow(/other settings/);
  });
});
