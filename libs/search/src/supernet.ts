import { NUM_EDGES, NUM_OPS, type Arch, Mask } from '@fsnas/nb201';
import { buildNetwork, crossEntropy, tf, type NB201Network, type NetConfig } from '@fsnas/nn';
import { ALPHA_SIZE } from './alphas';
import type { NamedVariable } from './weight-optim';

/** A mini-batch: NHWC float32 images and int32 labels. */
export interface Batch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
}

/**
 * How one forward weights the ops:
 * - `mixed`: every allowed op of the working mask (or of `mask`, a narrower one) runs, scaled by
 *   `weights` (6×5);
 * - `path`: only the op `path[e]` runs on edge e, scaled by `weights[e][path[e]]` (single path;
 *   the scalar carries the straight-through gradient of GDAS/DSNAS, and is 1 in value).
 */
export type EdgeSpec =
  | { readonly kind: 'mixed'; readonly weights: tf.Tensor2D; readonly mask?: Mask }
  | { readonly kind: 'path'; readonly path: Arch; readonly weights: tf.Tensor2D };

/**
 * The searched (sub-)supernet: an NB201Network over the mask, its trainable parameters by stable
 * name, and the architecture logits α as a 6×5 tf.Variable shared by all cells (docs/reference.md §1.8).
 */
export class SearchModel {
  readonly net: NB201Network;
  readonly alpha: tf.Variable;
  /** The mask in force; the reference "DSNAS" prunes it while searching. Always ⊆ the built mask. */
  mask: Mask;

  constructor(
    readonly builtMask: Mask,
    readonly config: NetConfig,
    seed: number,
    alpha0: Float32Array,
  ) {
    this.net = buildNetwork(builtMask, { ...config, seed });
    this.mask = builtMask;
    const init = tf.tensor2d(alpha0, [NUM_EDGES, NUM_OPS]);
    this.alpha = tf.variable(init, true, `search.alpha#${nextAlphaId++}`);
    init.dispose();
  }

  /** Trainable weights, with names that are stable across processes (checkpoints). */
  params(): NamedVariable[] {
    return this.net.params.entries().map((p) => ({ name: p.name, variable: p.variable }));
  }

  /** Weights and BN statistics (everything a checkpoint restores). */
  state(): NamedVariable[] {
    return [...this.params(), ...this.net.params.bufferEntries().map((b) => ({ name: b.name, variable: b.variable }))];
  }

  weightVariables(): tf.Variable[] {
    return this.net.params.variables();
  }

  alphaValues(): Float32Array {
    return Float32Array.from(this.alpha.dataSync());
  }

  setAlpha(values: ArrayLike<number>): void {
    if (values.length !== ALPHA_SIZE) throw new Error(`alpha needs ${ALPHA_SIZE} values, got ${values.length}`);
    tf.tidy(() => this.alpha.assign(tf.tensor2d(Float32Array.from(values), [NUM_EDGES, NUM_OPS])));
  }

  /** Logits for one forward (train-mode BN: batch statistics; docs/reference.md §5.3 validates in train mode too). */
  logits(x: tf.Tensor4D, spec: EdgeSpec, updateStats: boolean): tf.Tensor2D {
    const mask = spec.kind === 'mixed' ? (spec.mask ?? this.mask) : Mask.single(spec.path);
    return this.net.forward(x, { training: true, updateStats, edgeWeights: spec.weights, mask }).logits;
  }

  loss(batch: Batch, spec: EdgeSpec, updateStats = false): tf.Scalar {
    return crossEntropy(this.logits(batch.x, spec, updateStats), batch.y);
  }

  dispose(): void {
    this.net.dispose();
    this.alpha.dispose();
  }
}

let nextAlphaId = 0;

/** Fraction of correct predictions. */
export function accuracyOf(logits: tf.Tensor2D, y: tf.Tensor1D): number {
  return tf.tidy(() => (tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(y, 'int32')), 'float32')).dataSync()[0] as number));
}

/** Value of a scalar tensor; disposes it. */
export function scalarValue(t: tf.Scalar): number {
  const v = t.dataSync()[0] as number;
  t.dispose();
  return v;
}
