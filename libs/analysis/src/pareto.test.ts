import { Benchmark } from '@fsnas/benchmark';
import { Rng } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { paperSplits } from './splits';
import { paretoFront, splitFronts } from './pareto';

/** The front by definition: every point that no other point dominates (quadratic). */
function bruteForceFront(indices: readonly number[], acc: ArrayLike<number>, cost: ArrayLike<number>): number[] {
  const ok = indices.filter((i) => Number.isFinite(cost[i] as number));
  const dominated = (i: number) => ok.some((j) => j !== i && acc[j]! >= acc[i]! && cost[j]! <= cost[i]! && (acc[j]! > acc[i]! || cost[j]! < cost[i]!));
  const front = ok.filter((i) => !dominated(i));
  // Identical points: the lowest index stands for them, as paretoFront keeps.
  return front.filter((i) => !front.some((j) => j < i && acc[j] === acc[i] && cost[j] === cost[i]));
}

describe('paretoFront', () => {
  it('equals the brute-force front over all 15,625 architectures, on a measured device and on Edge TPU with its unmeasured rows', () => {
    const bench = Benchmark.load();
    const all = Array.from({ length: bench.size }, (_, i) => i);
    for (const metric of ['edgegpu_latency', 'edgetpu_latency'] as const) {
      const acc = bench.accuracy('cifar10');
      const cost = bench.hw('cifar10', metric);
      expect(new Set(paretoFront(all, acc, cost))).toEqual(new Set(bruteForceFront(all, acc, cost)));
    }
  });

  it('keeps one of identical points and drops ties that are beaten on the other count', () => {
    const acc = [90, 90, 91, 89, 95];
    const cost = [1, 1, 1, 0.5, 3];
    expect(paretoFront([0, 1, 2, 3, 4], acc, cost)).toEqual([3, 2, 4]);
    const rng = new Rng(1);
    const a = Array.from({ length: 300 }, () => Math.round(rng.uniform() * 20));
    const c = Array.from({ length: 300 }, () => Math.round(rng.uniform() * 20));
    const idx = a.map((_, i) => i);
    expect(new Set(paretoFront(idx, a, c))).toEqual(new Set(bruteForceFront(idx, a, c)));
  });
});

describe('splitFronts', () => {
  it("gives each leaf its own front and counts the global front's points in it: the counts add up to the global front", () => {
    const bench = Benchmark.load();
    const leaves = paperSplits().get('cifar10')!.get('gradient_matching')!;
    const fronts = splitFronts(bench, leaves, 'cifar10', { dataset: 'cifar10', metric: 'edgegpu_latency' });
    expect(fronts.leaves.reduce((s, l) => s + l.globalPoints, 0)).toBe(fronts.globalFront.length);
    for (const leaf of fronts.leaves) {
      const members = Array.from(bench.indicesOf(leaves[leaf.leaf]!));
      expect(new Set(leaf.front)).toEqual(new Set(bruteForceFront(members, bench.accuracy('cifar10'), bench.hw('cifar10', 'edgegpu_latency'))));
    }
  });
});
