import { describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { SplitComparisonError } from './errors';
import { randomSplit } from './random-split';
import { compareSplits, compareWithFamily, groupTreeFromLeaves, groupTreeOf, leavesOf, partitionDistance } from './split-distance';
import { splitSupernet } from './splitter';
import { numParamsReference } from './testing/fake-metrics';
import { paperFamily } from './testing/paper';

describe('partitionDistance (the reference split_distance)', () => {
  it('is 0 for the same partition in any group or member order', () => {
    expect(partitionDistance([[3], [0, 1, 2, 4]], [[4, 2, 1, 0], [3]])).toBe(0);
  });

  it('sums group-mate symmetric differences over ops and divides by 2(n−1)', () => {
    // {3}|{0,1,2,4} vs {1,4}|{0,2,3}: per-op differences 3,2,3,2,2 = 12; 12 / 8.
    expect(partitionDistance([[3], [0, 1, 2, 4]], [[1, 4], [0, 2, 3]])).toBe(1.5);
    // {0,1,2}|{3,4} vs {0}|{1,2,3,4}: 6 disagreeing pairs, counted from both ends.
    expect(partitionDistance([[0, 1, 2], [3, 4]], [[0], [1, 2, 3, 4]])).toBe(1.5);
    // All together vs all apart: every one of the 10 pairs disagrees: 20 / 8 = n/2.
    expect(partitionDistance([[0, 1, 2, 3, 4]], [[0], [1], [2], [3], [4]])).toBe(2.5);
    expect(partitionDistance([[1]], [[1]])).toBe(0);
  });

  it('rejects partitions of different ops', () => {
    expect(() => partitionDistance([[0, 1]], [[0, 2]])).toThrow(SplitComparisonError);
    expect(() => partitionDistance([[0, 1], [1]], [[0, 1]])).toThrow(/twice/);
  });
});

describe('comparing splits with paper families', () => {
  it('rebuilds the tree of a paper family from its leaves (groups in paper order)', () => {
    const t = groupTreeFromLeaves(paperFamily('cifar10', 'num_params'), [0, 1, 2]);
    expect(t.groups).toEqual([[3], [0, 1, 2, 4]]);
    expect(t.children.map((c) => c.groups)).toEqual([[[0], [1, 2, 3, 4]], [[0], [1, 2, 3, 4]]]);
    expect(leavesOf(t).map(String)).toEqual(paperFamily('cifar10', 'num_params').map(String));
  });

  it('a bit-exact split is identical at every level (random seed 888)', () => {
    const tree = randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 888, fidelity: 'reference' });
    const cmp = compareWithFamily(tree, paperFamily('cifar10', 'random_seed888'));
    expect(cmp.levels.map((l) => l.identical)).toEqual([true, true, true]);
    expect(cmp.sameLeavesInOrder).toBe(true);
    const other = compareWithFamily(randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 777, fidelity: 'reference' }), paperFamily('cifar10', 'random_seed888'));
    expect(other.levels[0]!.mean).toBeGreaterThan(0);
    expect(other.sameLeafSet).toBe(false);
  });

  it('group order alone does not count as a disagreement (num_params fixed mode vs paper)', async () => {
    const tree = await splitSupernet({ metric: numParamsReference(), leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, progress: { quiet: true } });
    const cmp = compareWithFamily(tree, paperFamily('cifar10', 'num_params'));
    expect(cmp.levels[0]).toMatchObject({ identical: true, distances: [0], edgesA: [0], edgesB: [0] });
    // Levels 1–2 are ties: the fixed tie-break picks {0,1,2}|{3,4}, the paper {0}|{1,2,3,4}.
    expect(cmp.levels[1]!.distances).toEqual([1.5, 1.5]);
    expect(cmp.sameLeafSet).toBe(false);
  });

  it('compares two paper families level by level (GM vs grad_norm on CIFAR-10)', () => {
    const gm = groupTreeFromLeaves(paperFamily('cifar10', 'gradient_matching'), [0, 1, 2]);
    const gn = groupTreeFromLeaves(paperFamily('cifar10', 'grad_norm'), [0, 1, 2]);
    expect(gm.groups).toEqual([[3], [0, 1, 2, 4]]);
    expect(gn.groups).toEqual([[1, 4], [0, 2, 3]]);
    const cmp = compareSplits(gm, gn);
    expect(cmp.levels).toHaveLength(3);
    expect(cmp.levels[0]!.distances).toEqual([1.5]);
    expect(cmp.levels[2]!.distances).toHaveLength(4);
    expect(compareSplits(gm, gm).levels.every((l) => l.identical)).toBe(true);
  });

  it('groupTreeOf and groupTreeFromLeaves agree on a computed tree', () => {
    const tree = randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [3, 1, 5] }, seed: 5 });
    const fromDoc = groupTreeOf(tree);
    const fromLeaves = groupTreeFromLeaves(tree.leaves.map((l) => Mask.fromRows(l.mask)), [3, 1, 5]);
    expect(compareSplits(fromDoc, fromLeaves).levels.every((l) => l.identical)).toBe(true);
  });

  it('rejects leaf sets that do not form a tree on the given edges', () => {
    const full = Mask.full();
    const overlapping = [full.restrict(0, [0, 1]), full.restrict(0, [1, 2, 3, 4])];
    expect(() => groupTreeFromLeaves(overlapping, [0])).toThrow(SplitComparisonError);
    const missing = [full.restrict(0, [0]), full.restrict(0, [1, 2])];
    expect(() => groupTreeFromLeaves(missing, [0])).toThrow(/do not partition edge 0/);
  });
});
