import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { tableCsv, type FigureSpec, type SplitsByDataset } from '@fsnas/analysis';
import { loadPaperSplits } from '@fsnas/nb201';
import { fromCSV } from 'arquero';
import { beforeAll, describe, expect, it } from 'vitest';
import { f3BestMeanLeaf, f3Distribution, type F3LeafRow } from './analysis';

let bench: Benchmark;
let paper: SplitsByDataset;
beforeAll(() => {
  bench = Benchmark.load({ hw: false });
  paper = loadPaperSplits();
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
describe('F3 tables', () => {
  it('leaves.csv reads back to the same rows', () => {
    const f3 = f3Distribution(bench, paper, 'cifar10');
    const back = fromCSV(tableCsv(f3.leaves)).objects();
    expect(back).toHaveLength(80);
    expect(back[3]).toEqual({ ...f3.leaves[3] });
  });
});

const titleOf = (axis: unknown): string | undefined => ((axis as { title?: { text?: string } } | undefined)?.title?.text);

describe('F3 figures', () => {
  it("the accuracy boxes name the leaves in the legend and title both axes", () => {
    const figure = f3Distribution(bench, paper, 'cifar10').figures['f3-accuracy-boxes-cifar10'] as FigureSpec;
    expect(figure.layout['showlegend']).toBe(true);
    expect(titleOf(figure.layout['legend'])).toBe('leaf');
    expect(titleOf(figure.layout['xaxis'])).toBe('split (metric family)');
    expect(titleOf(figure.layout['yaxis'])).toBe('test accuracy (%)');
    for (const trace of figure.data) expect(trace['showlegend']).not.toBe(false);
    expect(figure.data.map((t) => t['name'])).toEqual(Array.from({ length: 8 }, (_, i) => `leaf ${i}`));
  });
});
