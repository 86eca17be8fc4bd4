import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError, Rng } from '@fsnas/core';
import { loadPaperSplits } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import {
  bestSampleMean,
  derivedBest,
  evaluateSelection,
  oracle,
  regret,
  seedRange,
  selectionProblem,
  successiveHalving,
  uniformRandom,
  zeroCostMean,
} from './index';

/** Toy space of 10 "architectures" in 3 leaves; the global best (9.5) is in leaf 2. */
const toyAccuracy = new Float64Array([1, 3, 2, 8, 7, 7.5, 4, 9.5, 2, 0]);
const toyLeaves = [Int32Array.of(0, 1, 2), Int32Array.of(3, 4, 5), Int32Array.of(6, 7, 8, 9)];
const toy = selectionProblem(toyAccuracy, toyLeaves);

describe('selection methods and regret', () => {
  it('regret is the global best minus the chosen leaf’s best', () => {
    expect([0, 1, 2].map((l) => regret(toy, l))).toEqual([6.5, 1.5, 0]);
    expect(() => regret(toy, 3)).toThrow(InvalidInputError);
  });

  it('oracle has regret 0 on every paper family, dataset and seed', () => {
    const bench = Benchmark.load({ hw: false });
    for (const [dataset, families] of loadPaperSplits()) {
      for (const [, masks] of families) {
        const problem = selectionProblem(bench.accuracy(dataset as 'cifar10'), masks.map((m) => bench.indicesOf(m)));
        const [r] = evaluateSelection(problem, [oracle()], seedRange(4));
        expect(r?.meanRegret).toBe(0);
        expect(r?.zeroRegretRate).toBe(1);
      }
    }
  });

  it('uniform random matches its closed-form expected regret (mean over leaves of global best − leaf best)', () => {
    const expected = (6.5 + 1.5 + 0) / 3;
    const variance = [6.5, 1.5, 0].reduce((a, r) => a + (r - expected) ** 2, 0) / 3;
    const seeds = seedRange(6000);
    const [r] = evaluateSelection(toy, [uniformRandom()], seeds);
    expect(Math.abs((r?.meanRegret as number) - expected)).toBeLessThan(4 * Math.sqrt(variance / seeds.length));
    const counts = [0, 1, 2].map((l) => (r?.chosen as Int32Array).filter((c) => c === l).length / seeds.length);
    for (const c of counts) expect(Math.abs(c - 1 / 3)).toBeLessThan(0.03);
  });

  it('best sample mean with one sample matches the probability that the sample wins', () => {
    // Leaf 0 = {0, 2} holds the best (2); leaf 1 = {1, 1}. One draw each: leaf 1 wins iff leaf 0 draws 0 (p = ½), regret 1.
    const problem = selectionProblem(new Float64Array([0, 2, 1, 1]), [Int32Array.of(0, 1), Int32Array.of(2, 3)]);
    const seeds = seedRange(8000);
    const [r] = evaluateSelection(problem, [bestSampleMean({ samples: 1 })], seeds);
    expect(Math.abs((r?.meanRegret as number) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / seeds.length));
  });

  it('best sample mean is fooled when the best architecture sits in a leaf with a poor mean', () => {
    // Leaf 0: mean 5, best 5. Leaf 1: mean ≈ 1, but holds the global best 6.
    const values = new Float64Array(200).fill(5);
    for (let i = 100; i < 200; i++) values[i] = i === 199 ? 6 : 1;
    const problem = selectionProblem(values, [Int32Array.from({ length: 100 }, (_, i) => i), Int32Array.from({ length: 100 }, (_, i) => 100 + i)]);
    const [mean, sh, orc] = evaluateSelection(problem, [bestSampleMean({ samples: 600 }), successiveHalving({ budget: 2000, statistic: 'max' }), oracle()], seedRange(16));
    expect(mean?.meanRegret).toBe(1);
    expect(orc?.meanRegret).toBe(0);
    // 1,000 draws from leaf 1 miss index 199 with probability (99/100)^1000 ≈ 4e-5.
    expect(sh?.meanRegret).toBe(0);
  });

  it('successive halving spends its budget over ⌈log2 L⌉ rounds and keeps the leaf whose samples look best', () => {
    const values = Float64Array.from({ length: 80 }, (_, i) => Math.floor(i / 10) + (i % 10) / 100);
    const leaves = Array.from({ length: 8 }, (_, l) => Int32Array.from({ length: 10 }, (_, i) => l * 10 + i));
    const problem = selectionProblem(values, leaves);
    for (const statistic of ['max', 'mean'] as const) {
      const [r] = evaluateSelection(problem, [successiveHalving({ budget: 480, statistic })], seedRange(8));
      expect([...(r?.chosen as Int32Array)]).toEqual(new Array(8).fill(7));
    }
    expect(successiveHalving({ budget: 480 }).evaluations(problem)).toBe(480);
    expect(successiveHalving().evaluations(problem)).toBe(4800);
    expect(() => successiveHalving({ eta: 1 })).toThrow(InvalidInputError);
  });

  it('GM-NAS rule picks the leaf with the best derived architecture, bootstrapping over search runs', () => {
    const single = derivedBest([[5], [9], [7]]);
    expect(single.select(toy, new Rng(0))).toBe(1);
    // Leaf 2 wins iff its run 1 (9.9) is drawn: about half the seeds.
    const boot = derivedBest([[5], [9], [1, 9.9]]);
    const [r] = evaluateSelection(toy, [boot], seedRange(2000));
    const share = (r?.chosen as Int32Array).filter((c) => c === 2).length / 2000;
    expect(Math.abs(share - 0.5)).toBeLessThan(0.05);
    expect(() => derivedBest([[5], []])).toThrow(/no search run/);
    expect(() => derivedBest([[5], [Number.NaN]])).toThrow(/not a finite number/);
    expect(() => derivedBest([[5], [6]]).select(toy, new Rng(0))).toThrow(/cover 2 leaves, the split has 3/);
  });

  it('zero-cost mean uses only scored architectures, respects the direction and never picks an unscored leaf', () => {
    const scores = new Float64Array(10).fill(Number.NaN);
    scores[0] = 10; // leaf 0: mean 10
    scores[3] = 1; // leaf 1: mean 2
    scores[4] = 3;
    // leaf 2: no score at all
    expect(zeroCostMean(scores, { proxy: 'toy' }).select(toy, new Rng(0))).toBe(0);
    expect(zeroCostMean(scores, { proxy: 'toy', direction: -1 }).select(toy, new Rng(0))).toBe(1);
    expect(() => zeroCostMean(new Float64Array(10).fill(Number.NaN), { proxy: 'toy' }).select(toy, new Rng(0))).toThrow(/no leaf has a scored/);
  });

  it('is reproducible: the same seeds give the same choices', () => {
    const methods = [uniformRandom(), bestSampleMean({ samples: 3 }), successiveHalving({ budget: 30 })];
    const a = evaluateSelection(toy, methods, seedRange(20, 100));
    const b = evaluateSelection(toy, methods, seedRange(20, 100));
    expect(a.map((r) => [...r.chosen])).toEqual(b.map((r) => [...r.chosen]));
    expect(() => evaluateSelection(toy, methods, [])).toThrow(InvalidInputError);
  });
});
