import { describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { disjointCandidates } from './candidates';
import { levelEdges } from './edge-policy';
import { BranchingError } from './errors';
import { loadPythonFixtures } from './fixtures/python-reference';

describe('edge policies', () => {
  it('order: level ℓ splits edges[ℓ]', () => {
    expect(levelEdges({ kind: 'order', edges: [0, 1, 2] }, 3, 0, false)).toEqual([0, 1, 2]);
    expect(() => levelEdges({ kind: 'order', edges: [0, 1] }, 3, 0, false)).toThrow(/3 levels/);
    expect(() => levelEdges({ kind: 'order', edges: [0, 7, 1] }, 3, 0, false)).toThrow(BranchingError);
  });

  it('random, fidelity reference: reseeding per choice gives 0→3,4,5; 888→0,1,2; 777→1,2,3', () => {
    expect(levelEdges({ kind: 'random' }, 3, 0, true)).toEqual([3, 4, 5]);
    expect(levelEdges({ kind: 'random' }, 3, 888, true)).toEqual([0, 1, 2]);
    expect(levelEdges({ kind: 'random' }, 3, 777, true)).toEqual([1, 2, 3]);
  });

  it('random, fidelity reference: matches CPython for all six levels and several seeds', () => {
    for (const [seed, order] of Object.entries(loadPythonFixtures().referenceRandomEdgeOrder)) {
      expect(levelEdges({ kind: 'random' }, 6, Number(seed), true)).toEqual(order);
    }
  });

  it('random, fixed: one stream, distinct edges, deterministic per seed', () => {
    const a = levelEdges({ kind: 'random' }, 6, 0, false)!;
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(levelEdges({ kind: 'random' }, 6, 0, false)).toEqual(a);
    expect(a.slice(0, 3)).not.toEqual([3, 4, 5]);
    expect(() => levelEdges({ kind: 'random' }, 7, 0, false)).toThrow(BranchingError);
  });

  it('metric: no plan, but the candidate edges are checked', () => {
    expect(levelEdges({ kind: 'metric' }, 3, 0, false)).toBeNull();
    expect(() => levelEdges({ kind: 'metric', edges: [9] }, 3, 0, false)).toThrow(BranchingError);
  });
});

describe('disjoint candidates (docs/reference.md §3.3)', () => {
  it('keeps one allowed op each; the candidates partition the parent', () => {
    const parent = Mask.full().restrict(0, [3]).restrict(1, [0, 2, 4]);
    const { ops, candidates } = disjointCandidates(parent, 1);
    expect(ops).toEqual([0, 2, 4]);
    expect(candidates.map((c) => c.allowedOps(1))).toEqual([[0], [2], [4]]);
    expect(candidates.every((c) => c.allowedOps(0).join() === '3' && c.allowedOps(2).length === 5)).toBe(true);
    const keys = candidates.flatMap((c) => [...c.keys()]).sort((a, b) => a - b);
    expect(keys).toEqual([...parent.keys()]);
  });
});
