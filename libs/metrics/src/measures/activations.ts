import { Rng } from '@fsnas/core';
import { BN_MOMENTUM, NB201Network, tf } from '@fsnas/nn';
import { slogdet } from './linalg';
import { DEGENERATE_LOW, type MetricValue, type NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';
import { NUM_EDGES, isConvOp, type Mask } from '@fsnas/nb201';
import type { NetConfig } from '@fsnas/nn';

/**
 * Forward-only activation metrics: nwot (NASWOT, Mellor et al. 2021) and zen (Zen-NAS), both run with
 * train-mode BN (statistics left unchanged) as NASLib does. nwot reads the forward's onRelu, which,
 * as NASLib hooks every ReLU *module*, sees a node read by two conv ops twice.
 */

/**
 * nwot = ln|det K| with K_ij = Σ over ReLUs of (#units active in both i and j + #inactive in both),
 * i.e. Σ_layers (D_l − Hamming(c_i, c_j)), over the images of all batches (NASLib compute_nwot).
 * K is an integer Gram matrix; accumulated in float64. A singular K (two images with identical codes
 * everywhere, e.g. when `none` cuts the input off so all codes equal) is degenerate: −1e8.
 */
export function nwot(input: NetworkInput): MetricValue {
  const rows = input.batches.reduce((n, b) => n + (b.x.shape[0] as number), 0);
  const k = new Float64Array(rows * rows);
  let offset = 0;
  for (const batch of input.batches) {
    const b = batch.x.shape[0] as number;
    const partial = new Float64Array(b * b);
    tf.tidy(() => {
      input.net.forward(batch.x, {
        training: true,
        updateStats: false,
        onRelu: (_name, y) => accumulateAgreement(partial, y, b),
      });
    });
    // Images of different batches never meet in one forward: NASLib concatenates them into one batch
    // instead; with the default single batch this is the same.
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) k[(offset + i) * rows + offset + j] = partial[i * b + j] as number;
    offset += b;
  }
  const { sign, logAbsDet } = slogdet(k, rows);
  if (sign === 0 || !Number.isFinite(logAbsDet)) return { value: DEGENERATE_LOW, degenerate: 'activation-code kernel is singular' };
  return { value: logAbsDet };
}

/**
 * K_ij += #units where images i and j are both active or both inactive, for one ReLU output of b
 * images: with c_i the 0/1 activation code of image i (d units) and G = C·Cᵀ (both active),
 * agreement = d − G_ii − G_jj + 2·G_ij. G is one matmul on the backend; its entries are integers
 * ≤ d < 2²⁴, exact in float32 whatever the summation order, so K is the same integer as counting
 * unit by unit (what NASLib's two float Gram matrices give), and only b² numbers are read back.
 */
export function accumulateAgreement(k: Float64Array, y: tf.Tensor, b: number): void {
  const d = y.size / b;
  const g = tf.tidy(() => {
    const codes = tf.cast(tf.greater(tf.reshape(y, [b, d]), 0), 'float32') as tf.Tensor2D;
    return tf.matMul(codes, codes, false, true);
  });
  const gv = g.dataSync();
  g.dispose();
  for (let i = 0; i < b; i++) {
    const gii = gv[i * b + i] as number;
    for (let j = 0; j < b; j++) k[i * b + j] = (k[i * b + j] as number) + d - gii - (gv[j * b + j] as number) + 2 * (gv[i * b + j] as number);
  }
}

/** Zen-NAS mixup coefficient. */
const MIXUP_GAMMA = 1e-2;

/**
 * zen = ln E_n Σ|f(x) − f(x + γε)| + Σ_BN ln √(mean running_var), with x, ε ~ N(0,1) images of the
 * batch's shape, f the pre-global-pool feature map (after the last BN+ReLU), γ = 0.01, train-mode BN,
 * on a copy of the network re-initialised from N(0,1) as Zen-NAS does (the value grows with depth).
 * Running variances are those after the two forwards (PyTorch momentum 0.1, unbiased batch
 * variance, starting from 1). The Gaussian inputs come from the metric seed.
 */
export function zen(input: NetworkInput): MetricValue {
  const first = input.batches[0];
  if (!first) return { value: DEGENERATE_LOW, degenerate: 'no batch' };
  const shape = first.x.shape;
  const rng = new Rng(input.seed ^ 0x5a3e);
  const gauss = (): Float32Array => Float32Array.from({ length: shape[0] * shape[1] * shape[2] * shape[3] }, () => rng.normal());
  // Zen-NAS re-initialises every Conv/Linear weight from N(0,1) (BN γ=1, β=0) before scoring; a
  // fresh `normal`-init copy of the network does the same without touching the shared network.
  const net = new NB201Network(input.net.mask, { ...input.net.config, seed: input.seed ^ 0x2e4, init: 'normal' });
  const runningVar = new Map<string, Float64Array>();
  const track = (prefix: string, y: tf.Tensor4D): void => {
    const c = y.shape[3];
    const n = y.size / c;
    const v = tf.tidy(() => tf.moments(y, [0, 1, 2]).variance.dataSync());
    let rv = runningVar.get(prefix);
    if (!rv) {
      rv = new Float64Array(c).fill(1);
      runningVar.set(prefix, rv);
    }
    for (let i = 0; i < c; i++) rv[i] = (1 - BN_MOMENTUM) * (rv[i] as number) + BN_MOMENTUM * (((v[i] as number) * n) / Math.max(n - 1, 1));
  };
  let diff: number;
  try {
    diff = tf.tidy(() => {
      const x = tf.tensor4d(gauss(), shape);
      const mixed = tf.add(x, tf.mul(tf.tensor4d(gauss(), shape), MIXUP_GAMMA)) as tf.Tensor4D;
      const f1 = net.forward(x, { training: true, updateStats: false, onBnInput: track }).preGap;
      const f2 = net.forward(mixed, { training: true, updateStats: false, onBnInput: track }).preGap;
      return tf.mean(tf.sum(tf.abs(tf.sub(f1, f2)), [1, 2, 3])).dataSync()[0] as number;
    });
  } finally {
    net.dispose();
  }
  let logBn = 0;
  for (const rv of runningVar.values()) logBn += Math.log(Math.sqrt(rv.reduce((a, b) => a + b, 0) / rv.length));
  if (!(diff > 0) || !Number.isFinite(diff) || !Number.isFinite(logBn)) return { value: DEGENERATE_LOW, degenerate: 'output does not depend on the input' };
  return { value: Math.log(diff) + logBn };
}

export const nwotMetric = defineMetric({
  name: 'nwot',
  aliases: [],
  description: 'NASWOT: ln|det K| of the ReLU-code kernel',
  higherIsBetter: true,
  usesReference: true,
  // The forward, plus one agreement Gram matrix C·Cᵀ per ReLU on the backend (b² dot products of its units).
  cost: (c) => c.forward(c.batch) + (2 * c.batch * c.batch * reluUnits(c.mask, c.config, c.imageSize)) / 1e9,
  evaluation: { kind: 'network', compute: nwot },
});

export const zenMetric = defineMetric({
  name: 'zen',
  aliases: [],
  description: 'Zen-NAS: ln E|f(x)−f(x+γε)| + Σ ln √(mean BN var)',
  higherIsBetter: true,
  usesReference: true,
  // Two forwards: the batch and its perturbed copy.
  cost: (c) => 2 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: zen },
});

/**
 * Units (H·W·channels, one image) of every ReLU the metrics' forward runs: the input of each ReLU-Conv-BN
 * op of the cells (once per conv op, as NB201Network.forward's onRelu reports them), of the reduction blocks' two
 * convs, and the last activation.
 */
function reluUnits(mask: Mask, config: NetConfig, imageSize: number): number {
  let units = 0;
  let hw = imageSize * imageSize;
  let convOps = 0;
  for (let e = 0; e < NUM_EDGES; e++) for (const op of mask.allowedOps(e)) if (isConvOp(op)) convOps++;
  for (let s = 0; s < 3; s++) {
    const c = config.C << s;
    if (s > 0) {
      const before = hw;
      hw = Math.ceil(Math.sqrt(before) / 2) ** 2;
      units += before * (c / 2) + hw * c;
    }
    units += config.N * convOps * hw * c;
  }
  return units + hw * 4 * config.C;
}
