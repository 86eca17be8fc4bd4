import { describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { BranchingError } from './errors';
import { loadPythonFixtures } from './fixtures/python-reference';
import { PythonRandom } from './python-random';
import { constructRandomOpSplits, randomSplit } from './random-split';
import { replaySplitTree, splitTreeLeaves } from './split-tree';
import { firstRows, paperFamily } from './testing/paper';

const paperRandom = (seed: number) =>
  randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed, fidelity: 'reference' });

describe('random splits (docs/reference.md §3.5, §10.7)', () => {
  it('seed 888 reproduces the invariant-7 rows of all 8 leaves', () => {
    expect(splitTreeLeaves(paperRandom(888)).map(firstRows)).toEqual([
      [[3], [0, 1], [0, 2, 4]],
      [[3], [0, 1], [1, 3]],
      [[3], [2, 3, 4], [0, 1]],
      [[3], [2, 3, 4], [2, 3, 4]],
      [[0, 1, 2, 4], [1, 2], [0, 1, 3]],
      [[0, 1, 2, 4], [1, 2], [2, 4]],
      [[0, 1, 2, 4], [0, 3, 4], [3]],
      [[0, 1, 2, 4], [0, 3, 4], [0, 1, 2, 4]],
    ]);
  });

  it('seed 888 equals the paper random_seed888 family exactly, in order, on every dataset', () => {
    const leaves = splitTreeLeaves(paperRandom(888));
    for (const dataset of ['cifar10', 'cifar100', 'ImageNet16-120']) {
      const family = paperFamily(dataset, 'random_seed888');
      expect(family).toHaveLength(8);
      expect(leaves.map(String)).toEqual(family.map(String));
    }
  });

  it('seed 777: edge-0 groups {4}|{0,1,2,3}, leaf 0 = [[4],[0,4],[2,3,4]]', () => {
    const tree = paperRandom(777);
    expect(tree.root.groups).toEqual([[4], [0, 1, 2, 3]]);
    expect(firstRows(splitTreeLeaves(tree)[0]!)).toEqual([[4], [0, 4], [2, 3, 4]]);
  });

  it('seed 999: edge-0 groups {1,3,4}|{0,2}, leaf 0 = [[1,3,4],[3,4],[1,4]]', () => {
    const tree = paperRandom(999);
    expect(tree.root.groups).toEqual([[1, 3, 4], [0, 2]]);
    expect(firstRows(splitTreeLeaves(tree)[0]!)).toEqual([[1, 3, 4], [3, 4], [1, 4]]);
  });

  it('matches the Python transcription for other targets, seeds and random edge mode (incl. k = 1 nodes)', () => {
    const cases = loadPythonFixtures().randomSplits;
    expect(cases.length).toBe(35);
    for (const c of cases) {
      const tree = randomSplit({
        leaves: c.target,
        branching: [2],
        edges: c.mode === 'order' ? { kind: 'order', edges: c.order! } : { kind: 'random' },
        seed: c.seed,
        fidelity: 'reference',
      });
      const label = `${c.target}/${c.mode}/${c.seed}`;
      expect(tree.levels, label).toEqual(c.levels);
      expect(tree.leaves.map((l) => l.mask.map((row) => row.flatMap((v, o) => (v ? [o] : [])))), label).toEqual(c.leaves);
      expect(replaySplitTree(tree)).toHaveLength(c.leaves.length);
    }
  });

  it('replays, and leaves partition the full space', () => {
    const tree = paperRandom(888);
    const leaves = replaySplitTree(tree);
    const keys = leaves.flatMap((l) => [...l.keys()]).sort((a, b) => a - b);
    expect(keys).toEqual([...Mask.full().keys()]);
    expect(tree.leaves.map((l) => l.size).reduce((a, b) => a + b)).toBe(15625);
  });

  it('constructRandomOpSplits handles n = k (the reference crashes) and rejects k > n', () => {
    const g = constructRandomOpSplits(new PythonRandom(0), [0, 1, 2], 3, 5);
    expect(g.map((x) => x.length)).toEqual([1, 1, 1]);
    expect(g.flat().sort()).toEqual([0, 1, 2]);
    expect(() => constructRandomOpSplits(new PythonRandom(0), [0, 1], 3, 5)).toThrow(BranchingError);
    expect(() => randomSplit({ leaves: 8, branching: [2], edges: { kind: 'metric' } })).toThrow(/not 'metric'/);
  });

  it('fixed mode looks factors up by level index: m = 5 gives 5 leaves (the reference gives 4)', () => {
    const opts = { leaves: 5, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] } as const, seed: 0 };
    expect(randomSplit(opts).leaves).toHaveLength(5);
    expect(randomSplit({ ...opts, fidelity: 'reference' }).leaves).toHaveLength(4);
  });
});
