import type { Rng } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, type Arch, type Mask } from '@fsnas/nb201';
import { crossEntropy, tf } from '@fsnas/nn';
import { ALPHA_INIT, ALPHA_SIZE, fullSoftmaxValues, maskedSoftmax, maskedSoftmaxValues } from '../alphas';
import { oneHot, samplePath } from '../sampling';
import { type Batch, type EdgeSpec, type SearchModel } from '../supernet';
import { lossAndGrads, matrix, plainPath, takeAlphaGrad } from './common';
import { defineAlgorithm, type StepContext, type StepResult } from './types';

export interface DsnasOptions {
  /** Reference variant: paths per batch for the weight loss and for REINFORCE-LOO (5). */
  readonly samples: number;
  /** Reference variant: prune an edge when its top-2 α gap is ≥ this (0.8). */
  readonly threshold: number;
}

/**
 * DSNAS (Hu et al. 2020), single-level: each step samples one path Z ~ Categorical(p_e),
 * p = softmax(α) over the allowed ops, runs only that path, and updates the weights *and* α from the
 * same train-loss backward (the paper trains both together on the training data).
 *
 * Estimator (DSNAS eq. 8–10): the sampled op's output is scaled by m_e = p_{e,s}/sg(p_{e,s}), which is
 * 1 in value, so
 *   ∂L/∂α_{e,k} = (∂L/∂m_e) · (δ_{k,s_e} − p_{e,k}),
 * i.e. the score function ∇α log p(Z) weighted by the first-order effect of the sampled op on the loss
 * (∂L/∂m_e = ⟨∂L/∂x_j, O_s(x_i)⟩), not by the loss itself.
 *
 * Fidelity `reference` (docs/reference.md §9.13) is the reference's "DSNAS": weights trained on the mean loss of 5 sampled
 * paths; α from REINFORCE with a leave-one-out-style baseline on the valid batch,
 * ∇α = Σ_k (P_k − softmax(α))(ℓ_k − ℓ̄)/(5 − 1) with the softmax over all 5 ops (mask ignored), skipped
 * once every edge holds a single op; after each epoch an edge whose top-2 α gap among allowed ops is
 * ≥ 0.8 is fixed to its best op.
 */
export const dsnas = defineAlgorithm({
  name: 'dsnas',
  title: 'DSNAS',
  defaults: { samples: 5, threshold: 0.8 },
  reference: 'docs/reference.md §9.13: the reference\'s "DSNAS" (mean loss of sampled paths, REINFORCE-LOO α, pruning)',
  create: (options: DsnasOptions) => ({
    alphaInit: ALPHA_INIT.dsnas,
    step(ctx, train, valid) {
      return ctx.fidelity === 'reference' ? referenceStep(ctx, train, valid, options.samples) : specStep(ctx, train);
    },
    evalSpec: (ctx) => plainPath(samplePath(ctx.rng, maskedSoftmaxValues(ctx.model.alphaValues(), ctx.model.mask), ctx.model.mask)),
    endEpoch(ctx) {
      if (ctx.fidelity !== 'reference') return [];
      const { mask, pruned } = pruneByGap(ctx.model.alphaValues(), ctx.model.mask, options.threshold);
      ctx.model.mask = mask;
      return pruned.map((p) => `edge ${p.edge} pruned to op ${p.op} (gap ${p.gap.toFixed(3)})`);
    },
  }),
});

/** The DSNAS single-path spec for a given path: m_e = p/sg(p) on the path entries. */
export function dsnasSpec(model: SearchModel, path: Arch): EdgeSpec {
  const p = maskedSoftmaxValues(model.alphaValues(), model.mask);
  const hot = oneHot(path);
  const constP = new Float32Array(ALPHA_SIZE).map((_, i) => ((hot[i] as number) > 0 ? (p[i] as number) : 1));
  const weights = tf.tidy(() => tf.mul(tf.div(maskedSoftmax(model.alpha as tf.Tensor2D, model.mask), matrix(constP)), matrix(hot)) as tf.Tensor2D);
  return { kind: 'path', path, weights };
}

function specStep(ctx: StepContext, train: Batch): StepResult {
  const { model } = ctx;
  const path = samplePath(ctx.rng, maskedSoftmaxValues(model.alphaValues(), model.mask), model.mask);
  const r = lossAndGrads(model, train, () => dsnasSpec(model, path), [...model.weightVariables(), model.alpha], true);
  const g = takeAlphaGrad(model, r.grads);
  ctx.applyWeightGrads(r.grads);
  ctx.applyArchGrad(g);
  return { trainLoss: r.loss, trainAcc: r.acc };
}

/** DSNAS's α gradient for one path on one batch (weights untouched). */
export function dsnasArchGradient(model: SearchModel, batch: Batch, path: Arch): Float32Array {
  const r = lossAndGrads(model, batch, () => dsnasSpec(model, path), [model.alpha], false);
  return takeAlphaGrad(model, r.grads);
}

function referenceStep(ctx: StepContext, train: Batch, valid: Batch, n: number): StepResult {
  const { model } = ctx;
  const paths = Array.from({ length: n }, () => samplePath(ctx.rng, maskedSoftmaxValues(model.alphaValues(), model.mask), model.mask));
  // Weight loss: mean over n independently sampled single paths. One backward per path, gradients
  // summed: the same gradient as one backward of the mean, with one path's activations alive at a
  // time (5 paths of the C=16/N=5 network in one graph overflow the 4 GB wasm heap).
  let acc = 0;
  let trainLoss = 0;
  let sum: tf.NamedTensorMap = {};
  for (const path of paths) {
    const r = lossAndGrads(model, train, () => plainPath(path), model.weightVariables(), true);
    acc += r.acc / n;
    trainLoss += r.loss / n;
    const next: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(r.grads)) {
      const prev = sum[name];
      next[name] = prev ? tf.tidy(() => tf.add(prev, g)) : g;
      if (prev) {
        prev.dispose();
        g.dispose();
      }
    }
    for (const [name, prev] of Object.entries(sum)) if (!(name in next)) next[name] = prev;
    sum = next;
  }
  const mean = tf.tidy(() => Object.fromEntries(Object.entries(sum).map(([name, g]) => [name, tf.div(g, n)])));
  tf.dispose(sum);
  ctx.applyWeightGrads(mean);
  // Arch step on the valid batch, skipped once the mask holds a single architecture.
  if (model.mask.size > 1) {
    const samples = Array.from({ length: n }, () => samplePath(ctx.rng, maskedSoftmaxValues(model.alphaValues(), model.mask), model.mask));
    const losses = samples.map((path) => pathLoss(model, valid, path));
    ctx.applyArchGrad(reinforceLooGradient(model.alphaValues(), samples, losses));
  }
  return { trainLoss, trainAcc: acc };
}

/** Loss of one single path, no gradient. */
export function pathLoss(model: SearchModel, batch: Batch, path: Arch): number {
  return tf.tidy(() => crossEntropy(model.logits(batch.x, plainPath(path), false), batch.y).dataSync()[0] as number);
}

/**
 * The reference's REINFORCE-LOO gradient (docs/reference.md §10.11): Σ_k (P_k − softmax(α))(ℓ_k − ℓ̄)/(K − 1),
 * with softmax over all 5 ops of each edge, whatever the mask.
 */
export function reinforceLooGradient(alpha: ArrayLike<number>, paths: readonly Arch[], losses: readonly number[]): Float32Array {
  const k = paths.length;
  const p = fullSoftmaxValues(alpha);
  const mean = losses.reduce((a, b) => a + b, 0) / k;
  const g = new Float32Array(ALPHA_SIZE);
  paths.forEach((path, s) => {
    const hot = oneHot(path);
    const adv = ((losses[s] as number) - mean) / (k - 1);
    for (let i = 0; i < ALPHA_SIZE; i++) g[i] = (g[i] as number) + ((hot[i] as number) - (p[i] as number)) * adv;
  });
  return g;
}

/**
 * Reference pruning after an epoch: an edge with ≥ 2 allowed ops whose largest α exceeds the second
 * largest (among allowed ops) by ≥ threshold keeps only its best op.
 */
export function pruneByGap(alpha: ArrayLike<number>, mask: Mask, threshold: number): { mask: Mask; pruned: { edge: number; op: number; gap: number }[] } {
  let out = mask;
  const pruned: { edge: number; op: number; gap: number }[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const ops = mask.allowedOps(e);
    if (ops.length < 2) continue;
    const sorted = [...ops].sort((a, b) => (alpha[e * NUM_OPS + b] as number) - (alpha[e * NUM_OPS + a] as number));
    const best = sorted[0] as number;
    const gap = (alpha[e * NUM_OPS + best] as number) - (alpha[e * NUM_OPS + (sorted[1] as number)] as number);
    if (gap >= threshold) {
      out = out.restrict(e, [best]);
      pruned.push({ edge: e, op: best, gap });
    }
  }
  return { mask: out, pruned };
}

/** Draw `n` paths from the masked softmax of α (tests use this to fix samples). */
export function drawPaths(rng: Rng, alpha: ArrayLike<number>, mask: Mask, n: number): Arch[] {
  return Array.from({ length: n }, () => samplePath(rng, maskedSoftmaxValues(alpha, mask), mask));
}
