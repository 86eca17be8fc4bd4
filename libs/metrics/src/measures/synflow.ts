import { Mask, NUM_EDGES } from '@fsnas/nb201';
import { NB201Network, tf } from '@fsnas/nn';
import type { MetricValue, NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';

const FULL_ROW = 0b11111;

/**
 * synflow (Tanaka et al. 2020, as NASLib computes it): on |θ| with BN removed, feed one all-ones
 * image, R = Σ logits, and sum |θ ⊙ ∂R/∂θ| over the Conv/Linear weights. NASLib reports ln of that sum.
 *
 * Overflow: at init each 3×3 layer multiplies the signal by ~13, and paths run through ~50 layers,
 * so the sum reaches ~1e50 — beyond float32 (3.4e38), and tfjs on wasm has no float64. With BN
 * removed and |θ|, every activation is positive, so the ReLUs are identities and the network is a
 * positive *linear* map of its input. Dividing the backbone tensor after the stem, every cell and every
 * reduction block by its maximum m_i (a constant, not differentiated) therefore divides R and every
 * ∂R/∂θ by exactly Π m_i; we accumulate ln Π m_i in float64 and return
 *   ln synflow = Σ ln m_i + ln Σ |θ ⊙ ∂R'/∂θ|.
 * Inside one cell the gain is at most ~1e4, far from float32's limits.
 *
 * Degenerate: if no path joins input and output (`none` cuts the cell), R does not depend on any
 * weight and the sum is 0; NASLib then returns 0 (it skips the log), which we keep, flagged.
 *
 * Reference mode (docs/reference.md §2.2, §9.2): the collector abs'es the whole state dict including the
 * mask, so −1000 becomes +1000 and each edge becomes the mean of its *removed* ops (a full row stays
 * full); BN stays in eval mode with running stats; no log. We evaluate that complement network with
 * the same weights and return the raw sum (in float64, where the reference's float32 could overflow).
 */
export function synflow(input: NetworkInput): MetricValue {
  if (input.fidelity === 'reference') {
    const complement = complementMask(input.net.mask);
    const net = new NB201Network(complement, { ...input.net.config, seed: input.seed });
    try {
      net.copyFrom(input.weightSource ?? input.net);
      const { logSum, zero } = logSynflow(net, imageSize(input), 'running');
      return zero ? { value: 0, degenerate: 'no path from input to output' } : { value: Math.exp(logSum) };
    } finally {
      net.dispose();
    }
  }
  const { logSum, zero } = logSynflow(input.net, imageSize(input), 'identity');
  return zero ? { value: 0, degenerate: 'no path from input to output' } : { value: logSum };
}

function imageSize(input: NetworkInput): [number, number] {
  const x = input.batches[0]?.x;
  return x ? [x.shape[1], x.shape[2]] : [32, 32];
}

/** Each edge = its removed ops; an edge with nothing removed keeps all five (softmax of all-equal +1000). */
export function complementMask(mask: Mask): Mask {
  const bits: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const row = mask.rowBits(e);
    bits.push(row === FULL_ROW ? FULL_ROW : ~row & FULL_ROW);
  }
  return Mask.fromBits(bits);
}

export function logSynflow(net: NB201Network, [h, w]: [number, number], bn: 'identity' | 'running'): { logSum: number; zero: boolean } {
  const entries = net.params.weightEntries();
  const names = entries.map((e) => e.name);
  return tf.tidy(() => {
    const absWeights = entries.map((e) => tf.abs(e.variable));
    const ones = tf.ones([1, h, w, 3]) as tf.Tensor4D;
    let logScale = 0;
    const objective = (...ws: tf.Tensor[]): tf.Scalar => {
      const byName = new Map(names.map((n, i) => [n, ws[i] as tf.Tensor]));
      logScale = 0;
      const out = net.forward(ones, {
        training: false,
        bn,
        param: (name) => byName.get(name) ?? tf.abs(net.params.get(name)),
        onBackbone: (y) => {
          const m = tf.max(y).dataSync()[0] as number;
          if (!(m > 0) || !Number.isFinite(m)) return y;
          logScale += Math.log(m);
          return tf.div(y, m);
        },
      });
      return tf.sum(out.logits);
    };
    const { grads } = tf.valueAndGrads(objective)(absWeights);
    let sum = 0;
    grads.forEach((g, i) => {
      const gv = g.dataSync();
      const wv = (absWeights[i] as tf.Tensor).dataSync();
      for (let k = 0; k < gv.length; k++) sum += Math.abs((gv[k] as number) * (wv[k] as number));
    });
    if (!(sum > 0) || !Number.isFinite(sum)) return { logSum: 0, zero: true };
    return { logSum: logScale + Math.log(sum), zero: false };
  });
}

export const synflowMetric = defineMetric({
  name: 'synflow',
  aliases: [],
  description: 'ln Σ |θ ⊙ ∂R/∂θ| on |θ|, BN off, ones input (log-space)',
  higherIsBetter: true,
  usesReference: true,
  // One all-ones image, forward and backward; reference mode runs the complement network (docs/reference.md §9.2).
  cost: (c) => 3 * (c.fidelity === 'reference' ? c.forward(1, { mask: complementMask(c.mask) }) : c.forward(1)),
  evaluation: { kind: 'network', compute: synflow },
});
