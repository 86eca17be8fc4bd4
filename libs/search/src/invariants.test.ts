import { Rng } from '@fsnas/core';
import { Mask, NUM_OPS, type Arch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArchAdam, argmaxAllowed, fullSoftmaxValues, maskedSoftmax } from './alphas';
import { pruneByGap, reinforceLooGradient } from './algorithms';
import { gdasTemperature, oneHot, snasTemperature } from './sampling';
import { useCpu } from './testing';
import { cosineLr } from './weight-optim';

/** docs/reference.md §10.11 and the schedules of §5.1. */
beforeAll(useCpu);

const mask = Mask.fromRows([
  [1, 0, 1, 1, 0],
  [1, 1, 1, 1, 1],
  [0, 0, 0, 1, 0],
  [0, 1, 0, 1, 1],
  [1, 1, 0, 0, 0],
  [0, 1, 1, 1, 1],
]);

describe('docs/reference.md §10.11: search-side semantics', () => {
  it('edge weights are the softmax over allowed ops, exactly 0 on removed ops', () => {
    const alpha = Array.from({ length: 30 }, (_, i) => Math.sin(i) * 3);
    const w = tf.tidy(() => maskedSoftmax(tf.tensor2d(alpha, [6, 5]), mask).arraySync());
    w.forEach((row, e) => {
      const allowed = mask.allowedOps(e);
      const z = allowed.reduce<number>((s, op) => s + Math.exp(alpha[e * 5 + op] as number), 0);
      row.forEach((v, op) => {
        if (allowed.includes(op as 0)) expect(v).toBeCloseTo(Math.exp(alpha[e * 5 + op] as number) / z, 6);
        else expect(v).toBe(0);
      });
    });
  });

  it('SNAS temperature of epoch e is 1 − 0.9e/50 (TempScheduler 1 → 0.1 over 50 epochs)', () => {
    for (let e = 0; e <= 50; e++) expect(snasTemperature(e, 50)).toBeCloseTo(1 - (0.9 * e) / 50, 12);
    expect(snasTemperature(60, 50)).toBe(0.1);
  });

  it('GDAS temperature goes linearly from 10 to 0.1', () => {
    expect(gdasTemperature(0, 50)).toBe(10);
    expect(gdasTemperature(49, 50)).toBeCloseTo(0.1, 12);
  });

  it('reference DSNAS gradient = Σ(P_k − softmax(α))(ℓ_k − ℓ̄)/4 with the unmasked softmax', () => {
    const rng = new Rng(3);
    const alpha = Array.from({ length: 30 }, () => 1 + 0.3 * rng.normal());
    const paths: Arch[] = [
      [0, 1, 3, 1, 0, 1],
      [2, 4, 3, 3, 1, 2],
      [3, 0, 3, 4, 0, 3],
      [0, 2, 3, 1, 1, 4],
      [2, 3, 3, 3, 0, 1],
    ];
    const losses = [2.1, 1.7, 2.6, 1.9, 2.2];
    const g = reinforceLooGradient(alpha, paths, losses);
    const mean = losses.reduce((a, b) => a + b) / 5;
    for (let e = 0; e < 6; e++) {
      const row = alpha.slice(e * 5, e * 5 + 5);
      const z = row.reduce((s, a) => s + Math.exp(a), 0);
      for (let op = 0; op < 5; op++) {
        let expected = 0;
        paths.forEach((p, k) => (expected += ((p[e] === op ? 1 : 0) - Math.exp(row[op] as number) / z) * ((losses[k] as number) - mean)));
        expect(g[e * 5 + op]).toBeCloseTo(expected / 4, 6);
      }
    }
    // The softmax ignores the mask: removed ops get a non-zero gradient too (docs/reference.md §9.13).
    expect(fullSoftmaxValues(alpha)[2]).toBeGreaterThan(0);
    expect(g[4]).not.toBe(0);
  });

  it('pruning fires iff the top-2 gap among allowed ops is ≥ 0.8', () => {
    const alpha = new Array<number>(30).fill(0);
    alpha[0 * 5 + 2] = 0.8; // edge 0: allowed {0,2,3}, gap exactly 0.8 → pruned to 2
    alpha[1 * 5 + 4] = 0.79; // edge 1: gap 0.79 → kept
    alpha[3 * 5 + 1] = 1.5; // edge 3: a removed op's α (2) must not count ...
    alpha[3 * 5 + 3] = 1.0; // ... allowed {1,3,4}: gap 0.5 → kept
    alpha[3 * 5 + 2] = 9; // removed op with a huge α
    alpha[4 * 5 + 0] = 2; // edge 4 allowed {0,1}: gap 2 → pruned to 0
    const { mask: out, pruned } = pruneByGap(alpha, mask, 0.8);
    expect(pruned.map((p) => [p.edge, p.op])).toEqual([
      [0, 2],
      [4, 0],
    ]);
    expect(out.allowedOps(0)).toEqual([2]);
    expect(out.allowedOps(1)).toEqual([0, 1, 2, 3, 4]);
    expect(out.allowedOps(2)).toEqual([3]);
    expect(out.allowedOps(3)).toEqual([1, 3, 4]);
    expect(out.allowedOps(4)).toEqual([0]);
  });

  it('the genotype is the argmax of α restricted to the allowed ops', () => {
    const alpha = new Array<number>(30).fill(0);
    alpha[2 * 5 + 0] = 5; // edge 2 allows only op 3
    alpha[1 * 5 + 4] = 1;
    alpha[5 * 5 + 0] = 7; // edge 5 does not allow op 0
    alpha[5 * 5 + 2] = 0.5;
    expect(argmaxAllowed(alpha, mask)).toEqual([0, 4, 3, 1, 0, 2]);
    expect(oneHot([0, 4, 3, 1, 0, 2]).reduce((a, b) => a + b)).toBe(6);
    expect(NUM_OPS).toBe(5);
  });
});

describe('optimisers and schedules (docs/reference.md §5.1)', () => {
  it('cosine LR goes from 0.025 to 0.001 over 50 epochs', () => {
    expect(cosineLr(0, 50, 0.025, 0.001)).toBe(0.025);
    expect(cosineLr(25, 50, 0.025, 0.001)).toBeCloseTo(0.013, 12);
    expect(cosineLr(50, 50, 0.025, 0.001)).toBeCloseTo(0.001, 12);
  });

  it('arch Adam matches torch.optim.Adam(lr, betas (0.5, 0.999), weight_decay) by hand', () => {
    const adam = new ArchAdam({ lr: 3e-4, betas: [0.5, 0.999], weightDecay: 1e-3 });
    const a0 = new Float32Array(30).fill(0.5);
    const g = new Float32Array(30).fill(0.2);
    const a1 = adam.step(a0, g);
    // First step: m̂ = g', v̂ = g'^2 → update = lr·g'/(|g'| + eps) ≈ lr.
    expect(a1[0]).toBeCloseTo(0.5 - 3e-4, 7);
  });
});
