import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaperSplits } from '@fsnas/nb201';
import { readSplitTree, replaySplitTree } from '@fsnas/splitting';
import { runFsnas as fsnas } from './testing';
import { describe, expect, it } from 'vitest';



const paper = (metric: string) => loadPaperSplits().get('cifar10')!.get(metric)!.map((m) => m.toRows());

describe('fsnas split', () => {
  it('reproduces the paper num_params leaves exactly in reference mode, and writes a replayable tree', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fsnas-split-')), 'split.json');
    const r = await fsnas('split', '--metric', 'num_params', '--compat', 'reference', '--leaves', '8', '--branching', '2', '--edges', '0,1,2', '--seed', '888', '--out', out, '--json');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.metric).toBe('num_params');
    expect(result.leaves.map((l: { mask: number[][] }) => l.mask)).toEqual(paper('num_params'));
    expect(result.leaves.map((l: { size: number }) => l.size).reduce((a: number, b: number) => a + b, 0)).toBe(15625);
    expect(replaySplitTree(readSplitTree(out)).map((m) => m.toRows())).toEqual(paper('num_params'));
    expect(existsSync(`${out}.nodes.jsonl`)).toBe(false);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('fsnas-split-tree');
  });

  it('reproduces the paper random split of seed 888', async () => {
    const r = await fsnas('split', '--metric', 'random', '--compat', 'reference', '--seed', '888', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).leaves.map((l: { mask: number[][] }) => l.mask)).toEqual(paper('random_seed888'));
  });

  it.each([
    [['--metric', 'num_params', '--leaves', '8', '--branching', '1'], /branching/i],
    [['--metric', 'no_such_metric'], /unknown metric|no_such_metric/],
    [['--metric', 'num_params', '--edges', '0,9,2'], /edge/],
  ])('fails with a one-line typed error on %j', async (args, message) => {
    const r = await fsnas('split', ...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('fsnas:'))).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
