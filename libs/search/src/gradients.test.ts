import { Rng } from '@fsnas/core';
import { Mask, NUM_EDGES, NUM_OPS, type Arch } from '@fsnas/nb201';
import { crossEntropy, tf } from '@fsnas/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALPHA_SIZE, initAlphas, maskedSoftmaxValues, maskedSoftmax } from './alphas';
import { dartsArchGradient, drawPaths, dsnasArchGradient, gdasArchGradient, gdasPath, snasArchGradient, softGumbelWeights, unrolledArchGradient } from './algorithms';
import { gumbelNoise, oneHot } from './sampling';
import { SearchModel, type Batch, type EdgeSpec } from './supernet';
import { batchOf, randomImages, useCpu } from './testing';

/**
 * Architecture gradients against central finite differences on a tiny network (C=2, N=1, 8×8
 * inputs, cpu backend). Every sampled quantity (Gumbel noise, paths) is fixed, so each estimator is
 * compared with the derivative of the deterministic function it claims to differentiate.
 */

// Small steps: the tiny network is strongly non-linear (ReLU kinks) at the 1e-2 scale; float32 noise
// at 1e-4 is ~1e-3 absolute, well below the gradients compared.
const H = 1e-4;
let model: SearchModel;
let train: Batch;
let valid: Batch;
const mask = Mask.fromRows([
  [1, 1, 1, 1, 1],
  [0, 1, 1, 0, 1],
  [1, 0, 0, 1, 0],
  [0, 1, 1, 1, 1],
  [1, 1, 0, 0, 1],
  [0, 0, 1, 1, 1],
]);

function lossWith(batch: Batch, spec: () => EdgeSpec): number {
  return tf.tidy(() => crossEntropy(model.logits(batch.x, spec(), false), batch.y).dataSync()[0] as number);
}

/** Central differences of f over the allowed α entries. */
function fdAlpha(f: () => number, entries: number[], h = H): Map<number, number> {
  const base = model.alphaValues();
  const out = new Map<number, number>();
  for (const i of entries) {
    const plus = Float32Array.from(base);
    plus[i] = (plus[i] as number) + h;
    model.setAlpha(plus);
    const fp = f();
    const minus = Float32Array.from(base);
    minus[i] = (minus[i] as number) - h;
    model.setAlpha(minus);
    const fm = f();
    out.set(i, (fp - fm) / (2 * h));
  }
  model.setAlpha(base);
  return out;
}

/**
 * fdAlpha one entry at a time, yielding to the event loop in between: the 80 gradient evaluations of
 * the second-order check take long enough on a loaded machine to starve the test runner's RPC.
 */
async function fdAlphaYielding(f: () => number, entries: number[], h = H): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const i of entries) {
    out.set(i, fdAlpha(f, [i], h).get(i) as number);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

function allowedEntries(): number[] {
  const out: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) for (const op of mask.allowedOps(e)) out.push(e * NUM_OPS + op);
  return out;
}

function expectClose(analytic: ArrayLike<number>, numeric: Map<number, number>, rel = 0.03): void {
  let scale = 0;
  for (const v of numeric.values()) scale = Math.max(scale, Math.abs(v));
  expect(scale).toBeGreaterThan(1e-4);
  for (const [i, fd] of numeric) expect(Math.abs((analytic[i] as number) - fd), `entry ${i}: analytic ${analytic[i]} vs fd ${fd}`).toBeLessThan(rel * scale + 3e-3);
}

beforeAll(async () => {
  await useCpu();
  // A mixed-weights network: a noticeable α signal needs non-trivial logits, hence a larger scale.
  model = new SearchModel(mask, { C: 2, N: 1, classes: 10, affine: false }, 3, initAlphas({ mean: 0, std: 0.5 }, new Rng(5)));
  const set = randomImages(16, 8, 11);
  train = batchOf(set, 8);
  valid = batchOf(randomImages(16, 8, 12), 8);
});

describe('architecture gradients vs central finite differences (C=2, N=1, 8×8, cpu)', () => {
  it('DARTS 1st order: ∇α L_val(w, α) with masked-softmax weights', () => {
    const g = dartsArchGradient(model, valid);
    const fd = fdAlpha(() => lossWith(valid, () => ({ kind: 'mixed', weights: maskedSoftmax(model.alpha as tf.Tensor2D, mask) })), allowedEntries());
    expectClose(g, fd);
    // Removed ops get exactly zero gradient.
    for (let i = 0; i < ALPHA_SIZE; i++) if (!fd.has(i)) expect(g[i]).toBe(0);
  });

  it('DARTS 2nd order: ξ = 0 gives exactly the 1st-order gradient, and the weights are restored bit-exactly', () => {
    // The full hypergradient is *not* compared with finite differences of L_val(w − ξ∇w L_train, α): on
    // this 2-channel ReLU/BN network that unrolled objective is too non-smooth (difference quotients
    // change by orders of magnitude between h = 1e-4 and 1e-3), see the library README.
    const before = model.params().map((p) => Float32Array.from(p.variable.dataSync()));
    const g0 = unrolledArchGradient(model, train, valid, { xi: 0, epsilon: 0.01 });
    expect(Array.from(g0)).toEqual(Array.from(dartsArchGradient(model, valid)));
    const g = unrolledArchGradient(model, train, valid, { xi: 0.025, epsilon: 0.01 });
    expect(g.every(Number.isFinite)).toBe(true);
    model.params().forEach((p, i) => expect(Array.from(p.variable.dataSync())).toEqual(Array.from(before[i] as Float32Array)));
  });

  it('DARTS 2nd order: the finite-difference Hessian-vector product matches ∂/∂α (v · ∇w L_train) by differences in α', async () => {
    // The unrolled objective itself is too kinked to difference in w (see above), so the check swaps the
    // order of differentiation: the code perturbs w along v = ∇w' L_val(w', α) and differentiates in α;
    // the reference differentiates v · ∇w L_train(w, α) in α, with v computed here at w' = w − ξ∇w L_train.
    const xi = 0.05;
    const weights = model.weightVariables();
    const lossOf = (batch: Batch) => () => crossEntropy(model.logits(batch.x, { kind: 'mixed', weights: maskedSoftmax(model.alpha as tf.Tensor2D, mask) }, false), batch.y) as tf.Scalar;
    const saved = weights.map((w) => tf.keep(tf.clone(w)));
    const gTrain = tf.variableGrads(lossOf(train), weights).grads;
    weights.forEach((w) => { const g = gTrain[w.name]; if (g) w.assign(tf.sub(w, tf.mul(g, xi))); });
    const gValAlpha = dartsArchGradient(model, valid);
    const v = tf.variableGrads(lossOf(valid), weights).grads;
    weights.forEach((w, i) => w.assign(saved[i] as tf.Tensor));
    const vDotGradTrain = (): number => {
      const g = tf.variableGrads(lossOf(train), weights).grads;
      const dot = weights.reduce((sum, w) => sum + (g[w.name] && v[w.name] ? (tf.sum(tf.mul(g[w.name] as tf.Tensor, v[w.name] as tf.Tensor)).dataSync()[0] as number) : 0), 0);
      tf.dispose(g);
      return dot;
    };
    // An α step can cross a ReLU kink, which shows as a difference quotient that changes with the step;
    // entries where steps h and h/2 disagree are not smooth there and are left out (at most 2 of 20).
    const coarse = await fdAlphaYielding(vDotGradTrain, allowedEntries());
    const fine = await fdAlphaYielding(vDotGradTrain, allowedEntries(), H / 2);
    const reference = new Map([...fine].filter(([i, r]) => Math.abs(r - (coarse.get(i) as number)) < 0.01 * (1 + Math.abs(r))));
    expect(reference.size).toBeGreaterThanOrEqual(allowedEntries().length - 2);
    // ε = 1e-4/‖v‖: a w step short enough not to cross kinks of this tiny network (DARTS' 1e-2 does here).
    const hyper = unrolledArchGradient(model, train, valid, { xi, epsilon: 1e-4 });
    const secondOrder = Float32Array.from(hyper, (h, i) => ((gValAlpha[i] as number) - h) / xi);
    expectClose(secondOrder, reference, 0.02);
    tf.dispose([gTrain, v, saved]);
  });

  it('SNAS: ∇α L(w, softmax((α+G)/τ)) for fixed Gumbel noise', () => {
    const noise = gumbelNoise(new Rng(21));
    const tau = 0.7;
    const g = snasArchGradient(model, valid, noise, tau);
    const fd = fdAlpha(() => lossWith(valid, () => ({ kind: 'mixed', weights: softGumbelWeights(model.alpha as tf.Tensor2D, noise, tau, mask) })), allowedEntries());
    expectClose(g, fd);
  });

  /** ∂L/∂m_e of the single path by central differences of its per-edge multipliers. */
  function pathMultiplierGrad(path: Arch, batch: Batch): number[] {
    const out: number[] = [];
    for (let e = 0; e < NUM_EDGES; e++) {
      const at = (m: number): number =>
        lossWith(batch, () => {
          const w = new Float32Array(ALPHA_SIZE).fill(1);
          w[e * NUM_OPS + (path[e] as number)] = m;
          return { kind: 'path', path, weights: tf.tensor2d(w, [NUM_EDGES, NUM_OPS]) };
        });
      out.push((at(1 + H) - at(1 - H)) / (2 * H));
    }
    return out;
  }

  it('GDAS: straight-through gradient = (∂L/∂h_s) · ∂softmax_s((α+G)/τ)/∂α, with ∂L/∂h_s by finite differences', () => {
    const noise = gumbelNoise(new Rng(33));
    const tau = 2;
    const path = gdasPath(model, noise);
    const g = gdasArchGradient(model, valid, noise, tau);
    const dm = pathMultiplierGrad(path, valid);
    const alpha = model.alphaValues();
    const s = maskedSoftmaxValues(alpha.map((a, i) => a + (noise[i] as number)), mask, tau);
    const expected = new Float64Array(ALPHA_SIZE);
    for (let e = 0; e < NUM_EDGES; e++) {
      const sel = e * NUM_OPS + (path[e] as number);
      for (const op of mask.allowedOps(e)) {
        const k = e * NUM_OPS + op;
        expected[k] = ((dm[e] as number) * (s[sel] as number) * ((k === sel ? 1 : 0) - (s[k] as number))) / tau;
      }
    }
    expectClose(g, new Map(allowedEntries().map((i) => [i, expected[i] as number])));
  });

  it('DSNAS: single-path estimator = (∂L/∂m_e)(δ_{k,s} − p_k), with ∂L/∂m_e by finite differences', () => {
    const [path] = drawPaths(new Rng(44), model.alphaValues(), mask, 1) as [Arch];
    const g = dsnasArchGradient(model, train, path);
    const dm = pathMultiplierGrad(path, train);
    const p = maskedSoftmaxValues(model.alphaValues(), mask);
    const hot = oneHot(path);
    const expected = new Map<number, number>();
    for (const i of allowedEntries()) expected.set(i, (dm[Math.floor(i / NUM_OPS)] as number) * ((hot[i] as number) - (p[i] as number)));
    expectClose(g, expected);
  });
});
