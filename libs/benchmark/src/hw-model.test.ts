import { Rng } from '@fsnas/core';
import { Mask, NUM_EDGES, NUM_OPS, archFromKey, type Arch } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { Benchmark } from './benchmark';
import { expectedCost, fitAdditiveCost, fitDeviceCost, maskExpectedCost, predictCost } from './hw-model';
import { HW_DATASETS, HW_METRICS } from './settings';

const ALL: Arch[] = Array.from({ length: NUM_OPS ** NUM_EDGES }, (_, k) => archFromKey(k));

describe('fitAdditiveCost', () => {
  it('recovers an exactly additive cost (R² 1, MAE 0), and leaves unmeasured rows (NaN) out', () => {
    const rng = new Rng(3);
    const truth = { intercept: 2.5, weights: Array.from({ length: NUM_EDGES }, () => [0, ...Array.from({ length: NUM_OPS - 1 }, () => rng.uniform() * 4)]) };
    const costs = Float64Array.from(ALL, (arch) => predictCost(truth, arch));
    costs[7] = Number.NaN;
    const fit = fitAdditiveCost(ALL, costs);
    expect(fit.rows).toBe(ALL.length - 1);
    expect(fit.intercept).toBeCloseTo(truth.intercept, 9);
    fit.weights.forEach((row, e) => row.forEach((w, op) => expect(w).toBeCloseTo(truth.weights[e]![op]!, 9)));
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.mae).toBeLessThan(1e-9);
  });

  it('is the least-squares fit: residuals sum to zero and are orthogonal to every op feature', () => {
    const rng = new Rng(4);
    const costs = Float64Array.from(ALL, (arch) => arch.reduce<number>((s, op, e) => s + op * (e + 1), 0) ** 1.3 + rng.normal());
    const fit = fitAdditiveCost(ALL, costs);
    const residual = ALL.map((arch, i) => costs[i]! - predictCost(fit, arch));
    expect(Math.abs(residual.reduce((a, b) => a + b, 0)) / ALL.length).toBeLessThan(1e-9);
    for (let e = 0; e < NUM_EDGES; e++)
      for (let op = 1; op < NUM_OPS; op++) expect(Math.abs(residual.reduce((s, r, i) => s + (ALL[i]![e] === op ? r : 0), 0)) / ALL.length).toBeLessThan(1e-9);
    expect(fit.r2).toBeGreaterThan(0);
    expect(fit.r2).toBeLessThan(1);
  });

  it('refuses architectures that leave an op weight undetermined', () => {
    const noPool = ALL.filter((a) => a[0] !== 4);
    expect(() => fitAdditiveCost(noPool, Float64Array.from(noPool, () => 1))).toThrow(/do not determine every op weight/);
  });
});

describe('expected costs', () => {
  const model = { intercept: 1, weights: Array.from({ length: NUM_EDGES }, (_, e) => Array.from({ length: NUM_OPS }, (_, op) => (op === 0 ? 0 : e + op / 10))) };
  it("of a sub-supernet is the mean of the model over the mask's architectures (brute force)", () => {
    const mask = Mask.full().restrict(0, [1, 2]).restrict(3, [0, 3, 4]);
    const archs = ALL.filter((a) => mask.contains(a));
    expect(maskExpectedCost(model, mask)).toBeCloseTo(archs.reduce((s, a) => s + predictCost(model, a), 0) / archs.length, 10);
  });
  it('of a softmax mixture has the gradient the weights give, by central differences in α', () => {
    const alpha = Array.from({ length: NUM_EDGES }, (_, e) => Array.from({ length: NUM_OPS }, (_, op) => Math.sin(e * 5 + op)));
    const softmax = (row: number[]) => row.map((x) => Math.exp(x) / row.reduce((s, y) => s + Math.exp(y), 0));
    const cost = (a: number[][]) => expectedCost(model, a.map(softmax));
    const e = 2;
    const p = softmax(alpha[e]!);
    for (let op = 0; op < NUM_OPS; op++) {
      // d/dα_o Σ_k p_k w_k = p_o (w_o − Σ_k p_k w_k): the chain rule through the weights.
      const w = model.weights[e]!;
      const analytic = p[op]! * (w[op]! - p.reduce((s, q, k) => s + q * w[k]!, 0));
      const h = 1e-6;
      const plus = alpha.map((row) => [...row]);
      const minus = alpha.map((row) => [...row]);
      plus[e]![op]! += h;
      minus[e]![op]! -= h;
      expect((cost(plus) - cost(minus)) / (2 * h)).toBeCloseTo(analytic, 7);
    }
  });
});

describe('fitDeviceCost on HW-NAS-Bench', () => {
  it('fits every device column of every dataset on its measured rows, with R² in [0, 1] and the data mean reproduced', () => {
    const bench = Benchmark.load();
    for (const dataset of HW_DATASETS)
      for (const metric of HW_METRICS) {
        const fit = fitDeviceCost(bench, dataset, metric);
        const costs = bench.hw(dataset, metric);
        const measured = [...costs].filter(Number.isFinite).length;
        expect(fit.rows, `${dataset} ${metric}`).toBe(measured);
        expect(fit.r2).toBeGreaterThanOrEqual(0);
        expect(fit.r2).toBeLessThanOrEqual(1);
        // With an intercept, least squares reproduces the mean of what it fitted.
        let predicted = 0;
        for (let i = 0; i < bench.size; i++) if (Number.isFinite(costs[i]!)) predicted += predictCost(fit, bench.arch(i));
        expect(predicted / fit.rows).toBeCloseTo(fit.meanCost, 6);
      }
  });
});
