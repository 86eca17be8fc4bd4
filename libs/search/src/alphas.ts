import { Rng } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, type Arch, type Mask, type OpId } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';

/** Number of architecture logits: one per (edge, op), row-major like every 6×5 mask. */
export const ALPHA_SIZE = NUM_EDGES * NUM_OPS;

/** The mask as a flat 0/1 Float32Array (row-major 6×5). */
export function maskVector(mask: Mask): Float32Array {
  const out = new Float32Array(ALPHA_SIZE);
  for (let e = 0; e < NUM_EDGES; e++) for (const op of mask.allowedOps(e)) out[e * NUM_OPS + op] = 1;
  return out;
}

/**
 * Row-wise softmax over the mask's allowed entries, exactly 0 on removed ones (docs/reference.md §5.4,
 * §10.11). Removed logits are replaced by a huge negative value *before* the softmax (so they
 * neither count in the normaliser nor receive gradient) and the result is multiplied by the mask so
 * that their weight is exactly 0, not merely tiny.
 */
export function maskedSoftmax(logits: tf.Tensor2D, mask: Mask): tf.Tensor2D {
  return tf.tidy(() => {
    const m = tf.tensor2d(maskVector(mask), [NUM_EDGES, NUM_OPS]);
    const filled = tf.where(tf.greater(m, 0), logits, tf.fill([NUM_EDGES, NUM_OPS], -1e30));
    return tf.mul(tf.softmax(filled), m) as tf.Tensor2D;
  });
}

/** The same as maskedSoftmax on plain numbers (float64), for sampling and derivation. */
export function maskedSoftmaxValues(logits: ArrayLike<number>, mask: Mask, temperature = 1): Float64Array {
  const out = new Float64Array(ALPHA_SIZE);
  for (let e = 0; e < NUM_EDGES; e++) {
    const ops = mask.allowedOps(e);
    let max = -Infinity;
    for (const op of ops) max = Math.max(max, (logits[e * NUM_OPS + op] as number) / temperature);
    let sum = 0;
    for (const op of ops) {
      const v = Math.exp((logits[e * NUM_OPS + op] as number) / temperature - max);
      out[e * NUM_OPS + op] = v;
      sum += v;
    }
    for (const op of ops) out[e * NUM_OPS + op] = (out[e * NUM_OPS + op] as number) / sum;
  }
  return out;
}

/** Per-row softmax over all 5 ops, ignoring the mask (what the reference "DSNAS" uses, docs/reference.md §9.13). */
export function fullSoftmaxValues(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(ALPHA_SIZE);
  for (let e = 0; e < NUM_EDGES; e++) {
    let max = -Infinity;
    for (let op = 0; op < NUM_OPS; op++) max = Math.max(max, logits[e * NUM_OPS + op] as number);
    let sum = 0;
    for (let op = 0; op < NUM_OPS; op++) sum += out[e * NUM_OPS + op] = Math.exp((logits[e * NUM_OPS + op] as number) - max);
    for (let op = 0; op < NUM_OPS; op++) out[e * NUM_OPS + op] = (out[e * NUM_OPS + op] as number) / sum;
  }
  return out;
}

/**
 * The genotype: per edge, the op with the largest logit among the allowed ones (docs/reference.md §10.11). Ties
 * go to the lower op id, which is what a first-max argmax does.
 */
export function argmaxAllowed(logits: ArrayLike<number>, mask: Mask): Arch {
  const arch: OpId[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    let best: OpId | undefined;
    for (const op of mask.allowedOps(e)) {
      if (best === undefined || (logits[e * NUM_OPS + op] as number) > (logits[e * NUM_OPS + best] as number)) best = op;
    }
    arch.push(best as OpId);
  }
  return arch;
}

/** How each algorithm family initialises α (docs/reference.md §5.4–5.7). */
export type AlphaInit = { readonly mean: number; readonly std: number };

export const ALPHA_INIT = {
  /** DARTS: 1e-3·N(0,1). */
  darts: { mean: 0, std: 1e-3 },
  /** SNAS: N(1, 0.01), read as standard deviation 0.01. */
  snas: { mean: 1, std: 0.01 },
  /** "DSNAS" (NetworkRP): 1 + 0.01·N(0,1). */
  dsnas: { mean: 1, std: 0.01 },
  /** GDAS (its paper's code): 1e-3·N(0,1). */
  gdas: { mean: 0, std: 1e-3 },
  /** RSPS has no α; zeros make every derived view uniform. */
  none: { mean: 0, std: 0 },
} as const satisfies Record<string, AlphaInit>;

export function initAlphas(init: AlphaInit, rng: Rng): Float32Array {
  const out = new Float32Array(ALPHA_SIZE);
  for (let i = 0; i < ALPHA_SIZE; i++) out[i] = init.std === 0 ? init.mean : init.mean + init.std * rng.normal();
  return out;
}

/**
 * torch.optim.Adam for the 30 architecture logits, in float64 on the host: α is tiny, and keeping its
 * optimizer off the tensor engine makes its state trivially serialisable. Weight decay is the L2
 * term added to the gradient, as torch's Adam (not AdamW) does.
 */
export interface AdamOptions {
  readonly lr: number;
  readonly betas: readonly [number, number];
  readonly weightDecay: number;
  readonly eps?: number;
}

export interface AdamState {
  step: number;
  m: number[];
  v: number[];
}

export class ArchAdam {
  state: AdamState = { step: 0, m: new Array<number>(ALPHA_SIZE).fill(0), v: new Array<number>(ALPHA_SIZE).fill(0) };
  constructor(readonly options: AdamOptions) {}

  /** Returns the updated logits. */
  step(alpha: ArrayLike<number>, grad: ArrayLike<number>): Float32Array {
    const { lr, betas, weightDecay, eps = 1e-8 } = this.options;
    const [b1, b2] = betas;
    const s = this.state;
    s.step += 1;
    const out = new Float32Array(ALPHA_SIZE);
    const c1 = 1 - b1 ** s.step;
    const c2 = 1 - b2 ** s.step;
    for (let i = 0; i < ALPHA_SIZE; i++) {
      const a = alpha[i] as number;
      const g = (grad[i] as number) + weightDecay * a;
      const m = (s.m[i] = b1 * (s.m[i] as number) + (1 - b1) * g);
      const v = (s.v[i] = b2 * (s.v[i] as number) + (1 - b2) * g * g);
      out[i] = a - (lr * (m / c1)) / (Math.sqrt(v / c2) + eps);
    }
    return out;
  }
}
