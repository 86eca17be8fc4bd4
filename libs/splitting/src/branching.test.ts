import { describe, expect, it } from 'vitest';
import { ascendingSplit, leafCount, treeShape } from './branching';
import { BranchingError } from './errors';
import { loadPythonFixtures } from './fixtures/python-reference';

describe('ascendingSplit (docs/reference.md §3.1)', () => {
  // The docs/reference.md §3.1 table (b = [2], the CLI's default rand_seed 0).
  const table: [number, number[][] | number][] = [
    [2, [[2]]],
    [4, [[2], [2, 2]]],
    [5, [[2], [2, 2], [1, 1, 1, 2]]],
    [6, [[2], [2, 2], [2, 1, 1, 2]]],
    [7, [[2], [2, 2], [2, 1, 2, 2]]],
    [8, [[2], [2, 2], [2, 2, 2, 2]]],
    [9, 4],
    [16, [[2], [2, 2], [2, 2, 2, 2], [2, 2, 2, 2, 2, 2, 2, 2]]],
  ];
  for (const [m, expected] of table) {
    it(`m=${m}, b=[2] gives the table's row`, () => {
      const levels = ascendingSplit({ leaves: m, branching: [2], seed: 0 });
      if (typeof expected === 'number') expect(levels).toHaveLength(expected);
      else expect(levels).toEqual(expected);
      expect(leafCount(treeShape(levels))).toBe(m);
    });
  }

  it('drops the partial last level with dropLeaves (m=8 → 2 levels, 4 leaves)', () => {
    const levels = ascendingSplit({ leaves: 8, branching: [2], dropLeaves: true });
    expect(levels).toEqual([[2], [2, 2]]);
    expect(leafCount(treeShape(levels))).toBe(4);
  });

  it('matches the Python transcription (random.shuffle of the last level) for every fixture case', () => {
    const cases = loadPythonFixtures().ascendingSplit;
    expect(cases.length).toBeGreaterThan(500);
    for (const c of cases) {
      const run = (): number[][] => ascendingSplit({ leaves: c.m, branching: c.b, dropLeaves: c.dropLeaves, seed: c.seed });
      if (c.levels === null) expect(run, JSON.stringify(c)).toThrow(BranchingError);
      else expect(run(), JSON.stringify(c)).toEqual(c.levels);
    }
  });

  it('rejects impossible combinations with a typed error', () => {
    expect(() => ascendingSplit({ leaves: 0, branching: [2] })).toThrow(BranchingError);
    expect(() => ascendingSplit({ leaves: 2.5, branching: [2] })).toThrow(/integer ≥ 1/);
    expect(() => ascendingSplit({ leaves: 8, branching: [1] })).toThrow(/factors must be integers ≥ 2/);
    expect(() => ascendingSplit({ leaves: 8, branching: [] })).toThrow(BranchingError);
    expect(() => ascendingSplit({ leaves: 65, branching: [2] })).toThrow(/needs 64 nodes on the last level; at most 32/);
    // 3 nodes from {1,3} can sum to 3 or 5 but never 4: the reference crashes on combos[0].
    expect(() => ascendingSplit({ leaves: 4, branching: [3] })).toThrow(/no way to give 3 last-level nodes/);
  });

  it('looks factors up by index within the level (fixed) or by child index (reference bug docs/reference.md §9.9)', () => {
    const levels = ascendingSplit({ leaves: 5, branching: [2], seed: 0 }); // last level {1,1,1,2}
    const fixed = treeShape(levels, 'level-index');
    const ref = treeShape(levels, 'child-index');
    expect(fixed[2]!.map((n) => n.factor)).toEqual([1, 1, 1, 2]);
    expect(leafCount(fixed)).toBe(5);
    // Children 0,1 of both level-1 nodes read factors #0,#1 = 1,1: the reference loses a leaf.
    expect(ref[2]!.map((n) => n.factor)).toEqual([1, 1, 1, 1]);
    expect(leafCount(ref)).toBe(4);
    expect(fixed[2]!.map((n) => n.path)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
  });
});
