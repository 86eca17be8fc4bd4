import { Rng } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { NO_SPLIT, f2PaperTable, f2SearchOfRun, splittingWins, type F2Search } from './analysis';
import { f2Export, f2ExportCsv, f2SearchesOfExport } from './export';

/** A grid of fake searches: every algo on the full space and every leaf of every family, per seed. */
function grid(algos: readonly string[], families: readonly string[], seeds: readonly number[], leaves = 8): F2Search[] {
  const rng = new Rng(5);
  const out: F2Search[] = [];
  const add = (algo: string, family: string, leaf: number | null, seed: number) =>
    out.push({ runId: `${algo}-${family}-${leaf}-${seed}`, algo, family, leaf, seed, accuracy: 85 + 9 * rng.uniform(), leafBest: 94, leafMean: 88, validAccuracy: 40 + 30 * rng.uniform() });
  for (const algo of algos)
    for (const seed of seeds) {
      add(algo, 'full', null, seed);
      for (const family of families) for (let leaf = 0; leaf < leaves; leaf++) add(algo, family, leaf, seed);
    }
  return out;
}

describe('f2PaperTable', () => {
  it('gives per family and algorithm the seed-mean of best-of-8, mean and validation-selected accuracy, checked by a direct loop', () => {
    const searches = grid(['darts', 'snas'], ['gradient_matching', 'ours:synflow'], [666, 777, 888]);
    const cells = f2PaperTable(searches);
    expect(cells).toHaveLength(2 * 3);
    for (const cell of cells) {
      const bests: number[] = [];
      const means: number[] = [];
      const chosen: number[] = [];
      for (const seed of [666, 777, 888]) {
        const leaves = searches.filter((s) => s.algo === cell.algo && s.seed === seed && (cell.family === NO_SPLIT ? s.leaf === null : s.family === cell.family && s.leaf !== null));
        let best = -Infinity;
        let sum = 0;
        let byValid = leaves[0] as F2Search;
        for (const l of leaves) {
          best = Math.max(best, l.accuracy);
          sum += l.accuracy;
          if (l.validAccuracy > byValid.validAccuracy) byValid = l;
        }
        bests.push(best);
        means.push(sum / leaves.length);
        chosen.push(byValid.accuracy);
      }
      const avg = (xs: number[]) => xs.reduce((a, b) => a + b) / xs.length;
      expect(cell.bestOf8).toBeCloseTo(avg(bests), 12);
      expect(cell.mean).toBeCloseTo(avg(means), 12);
      expect(cell.selected).toBeCloseTo(avg(chosen), 12);
      const m = avg(bests);
      expect(cell.std).toBeCloseTo(Math.sqrt(bests.map((b) => (b - m) ** 2).reduce((a, b) => a + b) / 2), 12);
      expect(cell.seeds).toEqual([666, 777, 888]);
      expect([cell.leaves, cell.planned]).toEqual(cell.family === NO_SPLIT ? [1, 1] : [8, 8]);
      expect(cell.runs).toHaveLength(cell.leaves * 3);
    }
  });

  it('has no std with one seed, marks a family cut short, and refuses seeds that searched different leaves', () => {
    const full = grid(['darts'], ['snip'], [888]);
    const cut = full.filter((s) => s.family !== 'snip' || (s.leaf as number) < 5);
    const snip = f2PaperTable(cut).find((c) => c.family === 'snip');
    expect(snip).toMatchObject({ std: null, leaves: 5, planned: 8, seeds: [888] });
    const twoSeeds = [...grid(['darts'], ['snip'], [888]), ...grid(['darts'], ['snip'], [777]).filter((s) => s.leaf !== 3)];
    expect(() => f2PaperTable(twoSeeds)).toThrow(/darts on snip searched 8 leaves in all but 7 with seed 777/);
    expect(() => f2PaperTable([...full, full[1] as F2Search])).toThrow(/two searches of darts snip 0 seed 888/);
  });
});

describe('splittingWins', () => {
  it('counts the complete families whose best-of-8 beats the full space, per algorithm', () => {
    const cells = [
      { algo: 'darts', family: NO_SPLIT, bestOf8: 90, leaves: 1, planned: 1 },
      { algo: 'darts', family: 'a', bestOf8: 91, leaves: 8, planned: 8 },
      { algo: 'darts', family: 'b', bestOf8: 89, leaves: 8, planned: 8 },
      // Cut short: not counted either way.
      { algo: 'darts', family: 'c', bestOf8: 93, leaves: 3, planned: 8 },
      { algo: 'rsps', family: 'a', bestOf8: 93, leaves: 8, planned: 8 },
    ];
    expect(splittingWins(cells)).toEqual([
      { algo: 'darts', wins: 1, families: 2 },
      { algo: 'rsps', wins: 0, families: 0 },
    ]);
  });
});

describe('f2Export', () => {
  it('records the runs behind every cell, so the cells can be recomputed from the export alone', () => {
    const searches = grid(['darts'], ['gradient_matching'], [888]);
    const doc = f2Export(searches, { budget: 'medium', dataset: 'cifar10', mlflowUrl: 'http://127.0.0.1:5000', commits: ['abc', 'abc'] });
    expect(doc.commit).toBe('abc');
    expect(f2PaperTable(f2SearchesOfExport(doc)).map((c) => c.bestOf8)).toEqual(doc.cells.map((c) => c.best_of_8));
    expect(doc.cells.flatMap((c) => c.runs).sort()).toEqual(searches.map((s) => s.runId).sort());
    expect(f2Export(searches, { budget: 'medium', dataset: 'cifar10', mlflowUrl: '', commits: ['b', 'a'] })).toMatchObject({ commit: 'mixed', run_commits: ['a', 'b'] });
    const csv = f2ExportCsv(doc).trim().split('\n');
    expect(csv[0]).toBe('family,algo,best_of_8,mean,selected,std,seeds,leaves,planned,runs');
    expect(csv).toHaveLength(1 + doc.cells.length);
    expect(() => f2Export([], { budget: 'medium', dataset: 'cifar10', mlflowUrl: '', commits: [] })).toThrow(/no finished searches/);
  });
});

describe('f2SearchOfRun', () => {
  const run = {
    runId: 'r1',
    name: 'darts/snip/leaf2 [medium]',
    params: { seed: '888' },
    tags: { algo: 'darts', family: 'snip', leaf: '2' },
    metrics: { accuracy_test: 93.1, leaf_best: 94.2, leaf_mean: 90, valid_acc: 55.5 },
  };
  it('reads tags, the seed param and the last metric values, and names the run when one is missing', () => {
    expect(f2SearchOfRun(run)).toEqual({ runId: 'r1', algo: 'darts', seed: 888, family: 'snip', leaf: 2, accuracy: 93.1, leafBest: 94.2, leafMean: 90, validAccuracy: 55.5 });
    expect(f2SearchOfRun({ ...run, tags: { ...run.tags, leaf: 'none' } }).leaf).toBeNull();
    const { valid_acc: _dropped, ...metrics } = run.metrics;
    expect(() => f2SearchOfRun({ ...run, metrics })).toThrow("F2 run darts/snip/leaf2 [medium] (r1) has no finite valid_acc");
  });
});
