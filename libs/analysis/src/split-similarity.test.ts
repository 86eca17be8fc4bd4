import { InvalidInputError } from '@fsnas/core';
import { Mask, loadPaperSplits, type OpId } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  familyStructure,
  formatPartition,
  leafSetDistance,
  levelDistance,
  randDistance,
  similarityMatrices,
  splitDistance,
  splitLevels,
  SplitStructureError,
  type FamilyStructure,
  type OpPartition,
} from './index';

const P = (...groups: number[][]): OpPartition => groups as OpId[][];

/** A two-level family: edge 0 split by `top`, then edge 1 split by `under[i]` inside group i. */
function twoLevel(top: number[][], under: number[][][]): Mask[] {
  const full = Mask.full();
  return top.flatMap((g, i) => (under[i] as number[][]).map((h) => full.restrict(0, g).restrict(1, h)));
}

describe('split distance (the reference’s split_distance)', () => {
  it('is 0 for equal partitions, symmetric, and matches hand counts', () => {
    const a = P([0, 1], [2, 3, 4]);
    const b = P([0, 2], [1, 3, 4]);
    expect(splitDistance(a, P([4, 3, 2], [1, 0]))).toBe(0);
    // mates' symmetric differences: op0 2, op1 3, op2 3, op3 2, op4 2 → 12 / (2·4)
    expect(splitDistance(a, b)).toBe(1.5);
    expect(splitDistance(b, a)).toBe(1.5);
    // {0}|rest vs {1}|rest: op0 {}Δ{2,3,4} 3, op1 {2,3,4}Δ{} 3, ops 2,3,4 2 each → 12/8
    expect(splitDistance(P([0], [1, 2, 3, 4]), P([1], [0, 2, 3, 4]))).toBe(1.5);
    // {0}|rest vs {0,1}|{2,3,4}: op0 1, op1 {2,3,4}Δ{0} 4, ops 2,3,4 1 each → 8/8
    expect(splitDistance(P([0], [1, 2, 3, 4]), P([0, 1], [2, 3, 4]))).toBe(1);
    expect(() => splitDistance(P([0], [1]), P([0, 2]))).toThrow(InvalidInputError);
  });

  it('weights deeper levels by the architectures the nodes share', () => {
    const a = familyStructure(twoLevel([[0], [1, 2, 3, 4]], [[[0], [1, 2, 3, 4]], [[0, 1], [2, 3, 4]]]));
    const b = familyStructure(twoLevel([[0], [1, 2, 3, 4]], [[[0], [1, 2, 3, 4]], [[0], [1, 2, 3, 4]]]));
    expect(levelDistance(a.levels[0]!, b.levels[0]!)).toBe(0);
    // Node {0} (1/5 of the space) agrees; node {1,2,3,4} (4/5) has d({0,1}|{2,3,4}, {0}|rest) = 8/8 = 1.
    expect(levelDistance(a.levels[1]!, b.levels[1]!)).toBeCloseTo(0.8, 12);
    expect(levelDistance(b.levels[1]!, a.levels[1]!)).toBeCloseTo(0.8, 12);
    expect(levelDistance(a.levels[1]!, a.levels[1]!)).toBe(0);
  });
});

describe('leaf-set distances', () => {
  it('normalised VI and Rand distance match hand computations', () => {
    const a = Int32Array.of(0, 0, 1, 1);
    expect(leafSetDistance(a, a)).toBe(0);
    expect(leafSetDistance(a, Int32Array.of(0, 1, 0, 1))).toBeCloseTo(1, 12); // independent
    // B refines A: I = H(A) = ln2, H(A,B) = H(B) = 1.5 ln2 → 1 − 1/1.5
    expect(leafSetDistance(a, Int32Array.of(0, 0, 1, 2))).toBeCloseTo(1 / 3, 12);
    expect(leafSetDistance(Int32Array.of(0, 0, 1, 2), a)).toBeCloseTo(1 / 3, 12);
    // Of 6 pairs only (2,3) disagrees.
    expect(randDistance(a, Int32Array.of(0, 0, 1, 2))).toBeCloseTo(1 / 6, 12);
    // Relabelling leaves changes nothing.
    expect(leafSetDistance(a, Int32Array.of(5, 5, 3, 3))).toBe(0);
  });
});

describe('split structure of the paper’s families', () => {
  const paper = loadPaperSplits();
  const structures = new Map<string, Map<string, FamilyStructure>>();
  beforeAll(() => {
    for (const [dataset, families] of paper) structures.set(dataset, new Map([...families].map(([m, leaves]) => [m, familyStructure(leaves)])));
  });
  const level0 = (dataset: string, metric: string): string => {
    const groups = structures.get(dataset)?.get(metric)?.levels[0]?.nodes[0]?.groups ?? [];
    return formatPartition([...groups].sort((x, y) => x.length - y.length || (x[0] as number) - (y[0] as number)));
  };

  it('recovers 3 binary levels on edges 0, 1, 2 for every family', () => {
    for (const families of structures.values()) {
      for (const s of families.values()) {
        expect(s.levels.map((l) => l.edge)).toEqual([0, 1, 2]);
        expect(s.levels.map((l) => l.nodes.length)).toEqual([1, 2, 4]);
        for (const l of s.levels) for (const n of l.nodes) expect(n.groups).toHaveLength(2);
      }
    }
  });

  it('level-0 groups match docs/reference.md §3.8', () => {
    const expected: Record<string, string> = {
      gradient_matching: '{3}|{0,1,2,4}',
      grad_norm: '{1,4}|{0,2,3}',
      snip: '{1,4}|{0,2,3}',
      grasp: '{1,4}|{0,2,3}',
      linear_regions: '{0}|{1,2,3,4}',
      synflow: '{0}|{1,2,3,4}',
      num_params: '{3}|{0,1,2,4}',
      ntk_condition: '{2,3}|{0,1,4}',
    };
    for (const dataset of ['cifar10', 'cifar100', 'ImageNet16-120']) {
      for (const [metric, groups] of Object.entries(expected)) expect(level0(dataset, metric), `${dataset}/${metric}`).toBe(groups);
      expect(level0(dataset, 'jacob_cov')).toBe(dataset === 'cifar10' ? '{1,4}|{0,2,3}' : '{2,3}|{0,1,4}');
    }
  });

  it('num_params splits edges 1 and 2 as {0}|rest (the reference’s row-0 bug)', () => {
    for (const families of structures.values()) {
      const s = families.get('num_params') as FamilyStructure;
      for (const l of s.levels.slice(1)) for (const n of l.nodes) expect(formatPartition(n.groups)).toBe('{0}|{1,2,3,4}');
    }
  });

  it('gives a symmetric metric×metric matrix with a zero diagonal, and 0 between identical families', () => {
    const m = similarityMatrices(structures.get('cifar10') as Map<string, FamilyStructure>);
    m.names.forEach((_, i) =>
      m.names.forEach((_, j) => {
        expect(m.groups[i]?.[j]).toBeCloseTo(m.groups[j]?.[i] as number, 12);
        expect(m.leafSets[i]?.[j]).toBeCloseTo(m.leafSets[j]?.[i] as number, 12);
        if (i === j) expect([m.groups[i]?.[j], m.leafSets[i]?.[j]]).toEqual([0, 0]);
      }),
    );
    // grad_norm and grasp have identical masks on CIFAR-10.
    const gn = m.names.indexOf('grad_norm');
    const grasp = m.names.indexOf('grasp');
    expect(m.leafSets[gn]?.[grasp]).toBe(0);
    expect(m.groups[gn]?.[grasp]).toBe(0);
    expect(m.leafSets[gn]?.[m.names.indexOf('gradient_matching')]).toBeGreaterThan(0.3);
  });

  it('leaves group distances blank (null) between families that split different edges, but still compares leaf sets', () => {
    const full = Mask.full();
    const other = familyStructure([full.restrict(3, [0]), full.restrict(3, [1, 2, 3, 4])]);
    const gm = structures.get('cifar10')?.get('gradient_matching') as FamilyStructure;
    const m = similarityMatrices(new Map([['gm', gm], ['edge3', other]]));
    expect(other.levels.map((l) => l.edge)).toEqual([3]);
    expect(m.groups[0]?.[1]).toBeNull();
    expect(m.leafSets[0]?.[1]).toBeGreaterThan(0.5);
  });

  it('rejects leaves that are not a tree of op-group splits', () => {
    const full = Mask.full();
    expect(() => splitLevels([full.restrict(0, [0, 1]), full.restrict(0, [1, 2, 3, 4])])).toThrow(SplitStructureError);
    expect(() => splitLevels([full.restrict(0, [0]), full.restrict(0, [1, 2, 3, 4])], [1])).toThrow(/edge 1 does not/);
  });
});
