import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaperSplits } from '@fsnas/nb201';
import { readSplitTree, replaySplitTree } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { runFsnas as fsnas } from './testing';

const paper = (metric: string) => loadPaperSplits().get('cifar10')!.get(metric)!.map((m) => m.toRows());
const PAPER_ARGS = ['--fidelity', 'reference', '--leaves', '8', '--branching', '2', '--edges', '0,1,2', '--seed', '888'];

describe('fsnas split --metric a,b --jobs 2', () => {
  it('splits each metric in its own worker process into <out>/<metric>.json, as a one-metric split would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-jobs-'));
    const r = await fsnas('split', '--metric', 'num_params,random', ...PAPER_ARGS, '--out', dir, '--jobs', '2', '--json');
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { splits: { metric: string; leaves: number; file: string }[]; jobs: number; threads: number };
    expect(result.splits).toEqual([
      { metric: 'num_params', leaves: 8, file: join(dir, 'num_params.json') },
      { metric: 'random', leaves: 8, file: join(dir, 'random.json') },
    ]);
    expect(result.jobs * result.threads).toBeLessThanOrEqual(2);
    expect(replaySplitTree(readSplitTree(join(dir, 'num_params.json'))).map((m) => m.toRows())).toEqual(paper('num_params'));
    expect(replaySplitTree(readSplitTree(join(dir, 'random.json'))).map((m) => m.toRows())).toEqual(paper('random_seed888'));
    expect(existsSync(join(dir, 'num_params.json.nodes.jsonl'))).toBe(false);
    // The metric worker computed with the thread count it was given.
    expect(r.stderr).toMatch(new RegExp(`tfjs backend .*\\b${result.threads} thread`));
  }, 120_000);

  it('needs --out for several metrics, and refuses a metric named twice', async () => {
    const noOut = await fsnas('split', '--metric', 'num_params,random', ...PAPER_ARGS);
    expect(noOut.status).toBe(1);
    expect(noOut.stderr).toMatch(/several metrics need --out <folder>/);
    const twice = await fsnas('split', '--metric', 'random,random', ...PAPER_ARGS, '--out', mkdtempSync(join(tmpdir(), 'fsnas-split-jobs-')));
    expect(twice.status).toBe(1);
    expect(twice.stderr).toMatch(/lists a metric twice/);
  });
});
