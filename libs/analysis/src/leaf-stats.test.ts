import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { NUM_ARCHS, loadPaperSplits, type Mask } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { familyStats, familyStatsOf, leafAssignment, topFractionThreshold } from './index';

let bench: Benchmark;
let gm: readonly Mask[];
beforeAll(() => {
  bench = Benchmark.load({ hw: false });
  gm = loadPaperSplits().get('cifar10')?.get('gradient_matching') as Mask[];
});

describe('per-leaf statistics', () => {
  it('match a direct loop over each leaf’s architectures (mask.archs → indexOf → accuracy)', () => {
    const acc = bench.accuracy('cifar10');
    const stats = familyStats(bench, gm, 'cifar10');
    const sortedAll = [...acc].sort((a, b) => b - a);
    const top1 = sortedAll[Math.ceil(0.01 * NUM_ARCHS) - 1] as number;
    const top5 = sortedAll[Math.ceil(0.05 * NUM_ARCHS) - 1] as number;
    gm.forEach((mask, leaf) => {
      const values: number[] = [];
      let best = -1;
      let c1 = 0;
      let c5 = 0;
      for (const arch of mask.archs()) {
        const i = bench.indexOf(arch);
        const v = acc[i] as number;
        values.push(v);
        if (best < 0 || v > (acc[best] as number) || (v === acc[best] && i < best)) best = i; // ties: lowest NATS index
        if (v >= top1) c1++;
        if (v >= top5) c5++;
      }
      values.sort((a, b) => a - b);
      const s = stats.leaves[leaf];
      expect(s?.size).toBe(mask.size);
      expect(s?.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
      const mid = (values.length - 1) / 2;
      expect(s?.median).toBeCloseTo(((values[Math.floor(mid)] as number) + (values[Math.ceil(mid)] as number)) / 2, 9);
      expect(s?.max).toBe(values[values.length - 1]);
      expect(s?.min).toBe(values[0]);
      expect(acc[s?.bestIndex as number]).toBe(values[values.length - 1]);
      expect(s?.bestIndex).toBe(best);
      expect(s?.top1pct).toBe(c1);
      expect(s?.top5pct).toBe(c5);
    });
  });

  it('counts every top-k architecture exactly once over a partition, and exactly one leaf holds the best', () => {
    const acc = bench.accuracy('cifar10');
    const stats = familyStats(bench, gm, 'cifar10');
    const inTop = (t: number) => acc.reduce((n, v) => n + (v >= t ? 1 : 0), 0);
    expect(stats.leaves.reduce((n, l) => n + l.top1pct, 0)).toBe(inTop(stats.top1pctThreshold));
    expect(stats.leaves.reduce((n, l) => n + l.top5pct, 0)).toBe(inTop(stats.top5pctThreshold));
    expect(inTop(stats.top1pctThreshold)).toBeGreaterThanOrEqual(157);
    expect(stats.leaves.filter((l) => l.holdsBest)).toHaveLength(1);
    expect(stats.leafHoldingBest).toBe(stats.leaves.findIndex((l) => l.holdsBest));
    expect(stats.globalBestIndex).toBe(bench.bestIndex('cifar10'));
    expect(stats.leaves[stats.bestLeafByMean]?.mean).toBe(Math.max(...stats.leaves.map((l) => l.mean)));
  });

  it('top-fraction thresholds include ties at the boundary', () => {
    const values = new Float64Array([5, 4, 4, 4, 1, 0, 0, 0, 0, 0]);
    expect(topFractionThreshold(values, 0.2)).toBe(4); // 2nd best is 4: all three 4s are in
    expect(topFractionThreshold(values, 0.1)).toBe(5);
    expect(() => topFractionThreshold(values, 0)).toThrow(InvalidInputError);
  });

  it('reports -1 when no leaf holds the global best, and rejects empty leaves and overlaps', () => {
    const acc = new Float64Array(NUM_ARCHS);
    acc[7] = 99;
    const stats = familyStatsOf(acc, [Int32Array.of(1, 2), Int32Array.of(3)]);
    expect(stats.leafHoldingBest).toBe(-1);
    expect(() => familyStatsOf(acc, [Int32Array.of()])).toThrow(/holds no architecture/);
    expect(() => leafAssignment([Int32Array.of(1, 2), Int32Array.of(2)])).toThrow(/overlap/);
    const assignment = leafAssignment([Int32Array.of(1, 2), Int32Array.of(3)], 5);
    expect([...assignment]).toEqual([-1, 0, 0, 1, -1]);
  });
});
