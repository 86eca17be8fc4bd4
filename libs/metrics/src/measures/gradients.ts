import { crossEntropy, tf, type NB201Network } from '@fsnas/nn';
import type { TensorBatch } from '@fsnas/data';
import type { MetricValue, NetworkInput } from '../scoring/types';
import { NO_FLOPS, defineMetric } from '../scoring/descriptor';

/**
 * Weight-gradient metrics: grad_norm, snip, plain, grasp (NASLib measures/*.py; docs/reference.md §2.2).
 * "Weights" are the Conv and Linear weight tensors only (no biases, no BN), in module order, as both
 * NASLib's `get_layer_metric_array` and the reference's collectors select them.
 */

/** What the backward pass differentiates. */
export type Objective = 'cross-entropy' | 'sum-logits';

export interface WeightGradients {
  readonly names: readonly string[];
  /** Weight values, one flat array per tensor (network layout: conv HWIO, linear [in,out]). */
  readonly weights: readonly Float32Array[];
  /** Per batch, one flat gradient array per tensor. */
  readonly perBatch: readonly (readonly Float32Array[])[];
  /** Sum over batches (what accumulating `.grad` over batches gives). */
  readonly summed: readonly Float32Array[];
}

/**
 * BN mode of a metric's forward: NASLib's zero-cost measures run the fresh network in train mode
 * (batch statistics); the reference's gradient collectors put it in eval mode (running stats of a
 * fresh network: BN ≈ identity), docs/reference.md §2.1.
 */
export function trainingMode(input: NetworkInput): boolean {
  return input.fidelity !== 'reference';
}

export function weightGradients(input: NetworkInput, objective: Objective): WeightGradients {
  const training = trainingMode(input);
  const key = `weight-grads:${objective}:${String(training)}`;
  const cached = input.memo.get(key) as WeightGradients | undefined;
  if (cached) return cached;
  const result = computeWeightGradients(input.net, input.batches, objective, training);
  input.memo.set(key, result);
  return result;
}

export function computeWeightGradients(net: NB201Network, batches: readonly TensorBatch[], objective: Objective, training: boolean): WeightGradients {
  const entries = net.params.weightEntries();
  const vars = entries.map((e) => e.variable);
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  const perBatch = batches.map((batch) => gradientsAt(net, batch, objective, training));
  const summed = weights.map((w, i) => {
    const s = new Float32Array(w.length);
    for (const g of perBatch) {
      const gi = g[i] as Float32Array;
      for (let k = 0; k < s.length; k++) s[k] = (s[k] as number) + (gi[k] as number);
    }
    return s;
  });
  return { names: entries.map((e) => e.name), weights, perBatch, summed };
}

/** ∂objective/∂W for every Conv/Linear weight at the network's current values. */
export function gradientsAt(net: NB201Network, batch: TensorBatch, objective: Objective, training: boolean): Float32Array[] {
  const vars = net.weights();
  const { value, grads } = tf.variableGrads(() => {
    const { logits } = net.forward(batch.x, { training, updateStats: false });
    return objective === 'cross-entropy' ? crossEntropy(logits, batch.y) : (tf.sum(logits) as tf.Scalar);
  }, vars);
  value.dispose();
  // A weight the objective does not reach (e.g. behind a `none`-only node) has no gradient entry: zero, as PyTorch's None→zeros.
  const out = vars.map((v) => {
    const g = grads[v.name];
    return g ? (g.dataSync() as Float32Array).slice() : new Float32Array(v.size);
  });
  tf.dispose(grads);
  return out;
}

/**
 * grad_norm. NASLib: Σ over layers of ‖∂L/∂W_l‖₂ (cross-entropy, train-mode BN).
 * Reference (gradnorm): the Frobenius norm of the stacked Σ-logits gradients, sqrt(Σ_b Σ ‖G_b‖²), eval BN.
 */
export function gradNorm(input: NetworkInput): MetricValue {
  if (input.fidelity === 'reference') {
    const g = weightGradients(input, 'sum-logits');
    let ss = 0;
    for (const batch of g.perBatch) for (const t of batch) for (let k = 0; k < t.length; k++) ss += (t[k] as number) ** 2;
    return { value: Math.sqrt(ss) };
  }
  const g = weightGradients(input, 'cross-entropy');
  let total = 0;
  for (const t of g.summed) {
    let ss = 0;
    for (let k = 0; k < t.length; k++) ss += (t[k] as number) ** 2;
    total += Math.sqrt(ss);
  }
  return { value: total };
}

/** snip: Σ |∂L/∂W ⊙ W| with the cross-entropy loss (both modes; the BN mode differs). */
export function snip(input: NetworkInput): MetricValue {
  const g = weightGradients(input, 'cross-entropy');
  return { value: sumOver(g, (gk, wk) => Math.abs(gk * wk)) };
}

/** plain: Σ ∂L/∂W ⊙ W (signed). */
export function plain(input: NetworkInput): MetricValue {
  const g = weightGradients(input, 'cross-entropy');
  return { value: sumOver(g, (gk, wk) => gk * wk) };
}

function sumOver(g: WeightGradients, f: (gk: number, wk: number) => number): number {
  let total = 0;
  g.summed.forEach((t, i) => {
    const w = g.weights[i] as Float32Array;
    for (let k = 0; k < t.length; k++) total += f(t[k] as number, w[k] as number);
  });
  return total;
}

/**
 * grasp: −Σ W ⊙ (H g) with g = ∂L/∂W (cross-entropy, summed over batches) and H the Hessian of L
 * w.r.t. the Conv/Linear weights: NASLib's double backprop (`create_graph=True`) of z = Σ g·∂L/∂W.
 * tfjs cannot differentiate two of its backward kernels; libs/nn registers their (adjoint) gradients
 * with the backend (nn's gradients/).
 */
export function grasp(input: NetworkInput): MetricValue {
  const hg = hessianGradientProduct(input);
  let total = 0;
  hg.hg.forEach((t, i) => {
    const w = hg.weights[i] as Float32Array;
    for (let k = 0; k < t.length; k++) total -= (w[k] as number) * (t[k] as number);
  });
  return { value: total };
}

export interface HessianGradient {
  readonly weights: readonly Float32Array[];
  readonly g: readonly Float32Array[];
  readonly hg: readonly Float32Array[];
}

/**
 * Most images per double-backprop pass on wasm: there the second-order graph of 64 CIFAR images on
 * the C=16 network exceeds the 4 GB heap. Other backends take a whole batch in one pass, as NASLib
 * does on a GPU (its `split_data` = 1).
 */
export const WASM_SECOND_ORDER_BATCH = 32;

/** The default of `MetricSettings.secondOrderBatch` on the active backend, for batches of `batchSize`. */
export function defaultSecondOrderBatch(batchSize: number): number {
  return tf.getBackend() === 'wasm' ? Math.min(batchSize, WASM_SECOND_ORDER_BATCH) : batchSize;
}

/**
 * H g by double backprop. Batches larger than `input.secondOrderBatch` are cut into parts as
 * NASLib does on OOM (`split_data`): g = Σ_s ∂L_s/∂W and Hg = Σ_s ∂(g·∂L_s/∂W)/∂W, each L_s the mean
 * loss of part s with its own BN batch statistics, so a split changes the value, not only the cost.
 */
export function hessianGradientProduct(input: NetworkInput): HessianGradient {
  const net = input.net;
  const entries = net.params.weightEntries();
  const names = entries.map((e) => e.name);
  const training = trainingMode(input);
  const parts = splitBatches(input.batches, input.secondOrderBatch ?? Infinity);
  const weights = entries.map((e) => e.variable.dataSync().slice() as Float32Array);
  const lossOf =
    (batch: TensorBatch) =>
    (...ws: tf.Tensor[]): tf.Scalar => {
      const byName = new Map(names.map((n, i) => [n, ws[i] as tf.Tensor]));
      const { logits } = net.forward(batch.x, { training, param: (n) => byName.get(n) ?? net.params.get(n) });
      return crossEntropy(logits, batch.y);
    };
  // g: the whole-batch gradient when nothing is split (shared with snip/grad_norm), else NASLib's Σ over parts.
  const g =
    parts.length === input.batches.length
      ? weightGradients(input, 'cross-entropy').summed
      : (() => {
          const acc = entries.map((e) => new Float32Array(e.variable.size));
          for (const part of parts) {
            tf.tidy(() => {
              gradsOrZeros(lossOf(part), entries.map((e) => e.variable)).forEach((t, i) => addInto(acc[i] as Float32Array, t.dataSync()));
            });
          }
          return acc;
        })();
  const hg = entries.map((e) => new Float32Array(e.variable.size));
  for (const part of parts) {
    tf.tidy(() => {
      const w = entries.map((e) => e.variable as tf.Tensor);
      const gt = g.map((t, i) => tf.tensor(t, (w[i] as tf.Tensor).shape));
      const z = (...ws: tf.Tensor[]): tf.Scalar => {
        const grads = gradsOrZeros(lossOf(part), ws);
        return tf.addN(grads.map((t, i) => tf.sum(tf.mul(t, gt[i] as tf.Tensor)))) as tf.Scalar;
      };
      gradsOrZeros(z, w).forEach((t, i) => addInto(hg[i] as Float32Array, t.dataSync()));
    });
  }
  return { weights, g, hg };
}

/**
 * ∂f/∂xs, with zeros for the xs that f does not reach (weights behind a `none`-only node), as
 * PyTorch's `allow_unused` gives None; tf.grads would throw instead.
 */
function gradsOrZeros(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: readonly tf.Tensor[]): tf.Tensor[] {
  const { value, grads } = tf.engine().gradients(() => f(...xs), [...xs], undefined, true);
  value.dispose();
  return grads.map((g, i) => g ?? tf.zerosLike(xs[i] as tf.Tensor));
}

function addInto(acc: Float32Array, v: ArrayLike<number>): void {
  for (let k = 0; k < acc.length; k++) acc[k] = (acc[k] as number) + (v[k] as number);
}

/** Batches cut into parts of at most `max` images (views on the same data). */
function splitBatches(batches: readonly TensorBatch[], max: number): TensorBatch[] {
  const out: TensorBatch[] = [];
  for (const b of batches) {
    const n = b.x.shape[0];
    if (n <= max) {
      out.push(b);
      continue;
    }
    const count = Math.ceil(n / max);
    for (let s = 0; s < count; s++) {
      const start = Math.floor((s * n) / count);
      const end = Math.floor(((s + 1) * n) / count);
      out.push({ x: tf.slice(b.x, [start, 0, 0, 0], [end - start, -1, -1, -1]), y: tf.slice(b.y, [start], [end - start]) });
    }
  }
  return out;
}

/** l2_norm (data-free): Σ over Conv/Linear layers of ‖W_l‖₂ (NASLib l2_norm). */
export function l2Norm(net: NB201Network): MetricValue {
  let total = 0;
  for (const v of net.weights()) {
    const w = v.dataSync();
    let ss = 0;
    for (let k = 0; k < w.length; k++) ss += (w[k] as number) ** 2;
    total += Math.sqrt(ss);
  }
  return { value: total };
}

/** Overwrite a variable's values from a flat array without leaking the temporary tensor. */
export function assignArray(v: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, v.shape, 'float32');
  v.assign(t);
  t.dispose();
}

export const gradNormMetric = defineMetric({
  name: 'grad_norm',
  aliases: ['gradnorm'],
  description: 'Σ_l ‖∂L/∂W_l‖ (CE, train BN)',
  higherIsBetter: true,
  usesReference: false,
  // A forward and a backward to the weights and the inputs.
  cost: (c) => 3 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: gradNorm },
});

export const snipMetric = defineMetric({
  name: 'snip',
  aliases: [],
  description: 'Σ |∂L/∂W ⊙ W|',
  higherIsBetter: true,
  usesReference: true,
  cost: (c) => 3 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: snip },
});

export const plainMetric = defineMetric({
  name: 'plain',
  aliases: [],
  description: 'Σ ∂L/∂W ⊙ W',
  higherIsBetter: true,
  usesReference: true,
  cost: (c) => 3 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: plain },
});

export const graspMetric = defineMetric({
  name: 'grasp',
  aliases: [],
  description: '−Σ W ⊙ (H ∂L/∂W) (exact Hessian-vector product by double backprop)',
  higherIsBetter: true,
  usesReference: true,
  // g = ∂L/∂W (3F), then the Hessian-vector product by double backprop of g·∂L/∂W (≈ 3 × 3F).
  cost: (c) => 12 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: grasp },
});

export const l2NormMetric = defineMetric({
  name: 'l2_norm',
  aliases: [],
  description: 'Σ_l ‖W_l‖ at init (data-free)',
  higherIsBetter: true,
  usesReference: true,
  // Reads the weights only.
  cost: NO_FLOPS,
  evaluation: { kind: 'network', compute: (input) => l2Norm(input.net) },
});
