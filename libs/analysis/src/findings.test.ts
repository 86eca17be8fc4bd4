import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { Mask, loadPaperSplits } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromCSV } from 'arquero';
import { f1SplitDiversity, f2LeafFigure, f2Table, f3BestMeanLeaf, f3Distribution, f4Selection, loadZeroCostScores, tableCsv, type F3LeafRow, type SplitsByDataset } from './index';

let bench: Benchmark;
let paper: SplitsByDataset;
beforeAll(() => {
  bench = Benchmark.load({ hw: false });
  paper = loadPaperSplits();
});

describe('F1 split diversity', () => {
  it('tabulates every level of every family and builds the similarity figures', () => {
    const f1 = f1SplitDiversity(bench, paper);
    expect(f1.groups).toHaveLength(3 * 10 * 7); // datasets × families × (1 + 2 + 4) nodes
    expect(f1.level0['cifar10']?.['gradient_matching']).toBe('{3}|{0,1,2,4}');
    expect(f1.similarity['cifar100']?.names).toHaveLength(10);
    expect(Object.keys(f1.figures).sort()).toEqual(
      ['f1-level0-groups', 'f1-level0-table', ...['cifar10', 'cifar100', 'ImageNet16-120'].flatMap((d) => [`f1-group-distance-${d}`, `f1-leafset-distance-${d}`])].sort(),
    );
  });
});

describe('F3 distribution', () => {
  it('gives one row per leaf, consistent per-metric summaries, and figure specs', () => {
    const f3 = f3Distribution(bench, paper, 'cifar10');
    expect(f3.leaves).toHaveLength(80);
    for (const m of f3.metrics) {
      const rows = f3.leaves.filter((l) => l.metric === m.metric);
      expect(rows.reduce((n, l) => n + l.size, 0)).toBe(15625);
      expect(rows.filter((l) => l.holdsBest).map((l) => l.leaf)).toEqual([m.leafHoldingBest]);
      expect(m.bestMeanHoldsBest).toBe(m.bestLeafByMean === m.leafHoldingBest);
      expect(m.meanRankOfBestLeaf).toBe(1 + rows.filter((l) => l.mean > (rows[m.leafHoldingBest]?.mean as number)).length);
      expect(Math.abs(m.spearmanMeanVsMax)).toBeLessThanOrEqual(1);
      expect(Math.abs(m.kendallMeanVsMax)).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(f3.figures)).toEqual(['f3-accuracy-boxes-cifar10', 'f3-leaf-sizes-cifar10', 'f3-top-archs-cifar10', 'f3-leaf-means-cifar10']);
    expect(() => f3Distribution(bench, paper, 'cifar10-valid')).toThrow(/no splits for dataset/);
    expect(() => f3Distribution(bench, paper, 'mnist')).toThrow(InvalidInputError);
  });
});

describe('F3 top architectures in the best-mean leaf', () => {
  it('top1InBestMeanLeaf is the top-1% count inside the leaf with the best mean (brute force over the paper masks)', () => {
    const acc = bench.accuracy('cifar10');
    const sorted = Float64Array.from(acc).sort().reverse();
    const top1 = sorted[Math.ceil(0.01 * acc.length) - 1] as number;
    const top5 = sorted[Math.ceil(0.05 * acc.length) - 1] as number;
    const f3 = f3Distribution(bench, paper, 'cifar10');
    const fromCsv = f3BestMeanLeaf(fromCSV(tableCsv(f3.leaves)).objects() as F3LeafRow[]);
    for (const [metric, masks] of paper.get('cifar10') ?? []) {
      // Every architecture tested against every mask, independent of Benchmark.indicesOf and familyStats.
      const members = masks.map(() => [] as number[]);
      for (let i = 0; i < acc.length; i++) masks.forEach((m, leaf) => m.contains(bench.arch(i)) && members[leaf]!.push(i));
      const means = members.map((ids) => ids.reduce((a, i) => a + (acc[i] as number), 0) / ids.length);
      const best = means.indexOf(Math.max(...means));
      const count = (ids: number[], t: number) => ids.filter((i) => (acc[i] as number) >= t).length;
      const expected = { metric, bestLeafByMean: best, top1InBestMeanLeaf: count(members[best]!, top1), top5InBestMeanLeaf: count(members[best]!, top5), top1Total: count(members.flat(), top1), top5Total: count(members.flat(), top5) };
      expect(f3.metrics.find((m) => m.metric === metric)).toMatchObject(expected);
      expect(fromCsv.find((m) => m.metric === metric)).toMatchObject(expected);
    }
    // The notebook's old column, max('top1pct') over all leaves, said 33 for gradient_matching.
    expect(f3.metrics.find((m) => m.metric === 'gradient_matching')).toMatchObject({ bestLeafByMean: 0, top1InBestMeanLeaf: 9, top1Total: 157 });
  });
});

describe('F4 selection', () => {
  it('runs every method per metric with oracle regret 0, deterministic across calls', () => {
    const opts = { seeds: 4, samples: 50 };
    const a = f4Selection(bench, paper, 'cifar10', opts);
    const b = f4Selection(bench, paper, 'cifar10', opts);
    expect(a.rows).toEqual(b.rows);
    expect(a.methods).toEqual(['oracle', 'random', 'best-mean@50', 'succ-halving-max@400', 'succ-halving-mean@400', 'zero-cost-nwot']);
    expect(a.rows).toHaveLength(10 * 6);
    for (const r of a.rows.filter((x) => x.method === 'oracle')) expect(r.meanRegret).toBe(0);
    for (const r of a.rows) {
      expect(r.meanRegret).toBeGreaterThanOrEqual(0);
      expect(r.chosenCounts.reduce((x, y) => x + y, 0)).toBe(4);
    }
  });

  it('skips the zero-cost method where no scores are published, and uses derived accuracies when given', () => {
    const derived = new Map([['synflow', Array.from({ length: 8 }, (_, leaf) => [leaf === 5 ? 99 : 1])]]);
    const f4 = f4Selection(bench, paper, 'cifar100', { seeds: 2, samples: 10, derived });
    expect(f4.skipped.some((s) => s.startsWith('zero-cost-nwot: no published scores'))).toBe(true);
    const gm = f4.rows.find((r) => r.metric === 'synflow' && r.method === 'gm-nas-derived');
    expect(gm?.chosenCounts[5]).toBe(2);
  });

  it('loads zero-cost scores cross-checked against the benchmark arch strings', () => {
    const scores = loadZeroCostScores(bench, 'cifar10', 'synflow');
    const scored = scores.filter((s) => Number.isFinite(s)).length;
    expect(scored).toBe(4726);
    expect(Number.isNaN(scores[1] as number)).toBe(true); // odd indices have no score
    expect(() => loadZeroCostScores(bench, 'cifar100')).toThrow(/no published zero-cost scores/);
    expect(() => loadZeroCostScores(bench, 'cifar10', 'magic')).toThrow(/unknown zero-cost proxy/);
  });
});

describe('tables', () => {
  it('writes CSV that Arquero reads back to the same rows (quotes, commas, booleans)', () => {
    const f3 = f3Distribution(bench, paper, 'cifar10');
    const back = fromCSV(tableCsv(f3.leaves)).objects();
    expect(back).toHaveLength(80);
    expect(back[3]).toEqual({ ...f3.leaves[3] });
    expect(fromCSV(tableCsv([{ a: 'x,"y"', b: true }])).objects()).toEqual([{ a: 'x,"y"', b: true }]);
  });
});

describe('F2 one-shot on splits', () => {
  const searchesWith = (pick: (leaf: Mask) => number, full: number) => {
    const acc = bench.accuracy('cifar10');
    const leaves = (paper.get('cifar10')?.get('gradient_matching') ?? []).map((mask, leaf) => {
      const stats = bench.stats(mask, 'cifar10');
      return { algo: 'darts', family: 'gradient_matching', leaf, accuracy: acc[pick(mask)] as number, leafBest: stats.max, leafMean: stats.mean };
    });
    return [{ algo: 'darts', family: 'full', leaf: null, accuracy: full, leafBest: 0, leafMean: 0 }, ...leaves];
  };
  const bestIn = (mask: Mask) => bench.stats(mask, 'cifar10').bestIndex;

  it('a search that always finds the leaf best has no regret, and its best leaf is the space best (leaves partition the space)', () => {
    const spaceBest = bench.accuracy('cifar10')[bench.bestIndex('cifar10')] as number;
    const [row] = f2Table(searchesWith(bestIn, spaceBest));
    expect(row).toMatchObject({ algo: 'darts', family: 'gradient_matching', leaves: 8, meanRegretInLeaf: 0, bestDerived: spaceBest, leavesBeatingFull: 0 });
    expect(f2Table(searchesWith(bestIn, 0))[0]?.leavesBeatingFull).toBe(8);
    const figure = f2LeafFigure(searchesWith(bestIn, 80), 'darts', 'gradient_matching');
    expect(figure.data.map((t) => t.type)).toEqual(['bar', 'bar']);
    expect(figure.layout['shapes']).toMatchObject([{ y0: 80, y1: 80 }]);
  });

  it('a search that picks the first architecture of each leaf has positive regret; leaf runs without a full-space run are an error', () => {
    const [row] = f2Table(searchesWith((m) => bench.indicesOf(m)[0] as number, 50));
    expect(row?.meanRegretInLeaf).toBeGreaterThan(0);
    expect(row?.meanDerived).toBeLessThanOrEqual(row?.bestDerived as number);
    expect(() => f2Table(searchesWith(bestIn, 50).slice(1))).toThrow(InvalidInputError);
    const twice = searchesWith(bestIn, 50);
    expect(() => f2Table([...twice, twice[3]!])).toThrow(/two searches of darts gradient_matching 2; were runs of several budgets mixed/);
  });
});
