import { NUM_EDGES, NUM_OPS, type Arch, type Mask } from '@fsnas/nb201';
import { crossEntropy, tf } from '@fsnas/nn';
import { ALPHA_SIZE, maskedSoftmax } from '../alphas';
import { accuracyOf, type Batch, type EdgeSpec, type SearchModel } from '../supernet';
import type { StepContext, StepResult } from './types';

/** Loss value, the gradients of the given variables, and the batch accuracy of that same forward. */
export interface GradResult {
  readonly loss: number;
  readonly acc: number;
  readonly grads: tf.NamedTensorMap;
}

/**
 * Forward + backward once. `spec` is built inside the gradient scope so that α-dependent edge
 * weights are differentiated; every intermediate tensor is released by variableGrads' own scope.
 */
export function lossAndGrads(model: SearchModel, batch: Batch, spec: () => EdgeSpec, vars: tf.Variable[], updateStats: boolean): GradResult {
  let acc = 0;
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.logits(batch.x, spec(), updateStats);
    acc = accuracyOf(logits, batch.y);
    return crossEntropy(logits, batch.y);
  }, vars);
  const loss = value.dataSync()[0] as number;
  value.dispose();
  return { loss, acc, grads };
}

/** α's gradient out of a gradient map as 30 numbers (zeros when α got none); disposes that entry. */
export function takeAlphaGrad(model: SearchModel, grads: tf.NamedTensorMap): Float32Array {
  const g = grads[model.alpha.name];
  if (!g) return new Float32Array(ALPHA_SIZE);
  delete grads[model.alpha.name];
  const out = Float32Array.from(g.dataSync());
  g.dispose();
  return out;
}

/** Gradient of the loss w.r.t. α only (weights fixed), for edge weights built from α. */
export function alphaGradient(model: SearchModel, batch: Batch, spec: () => EdgeSpec): { loss: number; grad: Float32Array } {
  const r = lossAndGrads(model, batch, spec, [model.alpha], false);
  return { loss: r.loss, grad: takeAlphaGrad(model, r.grads) };
}

/** Weight step: gradients of the train loss, clip, SGD. With `withAlpha`, also returns ∇α of that loss. */
export function weightStep(ctx: StepContext, batch: Batch, spec: () => EdgeSpec, withAlpha = false): StepResult & { alphaGrad: Float32Array | null } {
  const vars = withAlpha ? [...ctx.model.weightVariables(), ctx.model.alpha] : ctx.model.weightVariables();
  const r = lossAndGrads(ctx.model, batch, spec, vars, true);
  const alphaGrad = withAlpha ? takeAlphaGrad(ctx.model, r.grads) : null;
  ctx.applyWeightGrads(r.grads);
  return { trainLoss: r.loss, trainAcc: r.acc, alphaGrad };
}

/** Mixed spec with DARTS weights: masked softmax of α. */
export function dartsSpec(model: SearchModel): EdgeSpec {
  return { kind: 'mixed', weights: maskedSoftmax(model.alpha as tf.Tensor2D, model.mask) };
}

/** A 6×5 constant tensor. */
export function matrix(values: ArrayLike<number>): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(values), [NUM_EDGES, NUM_OPS]);
}

/** Single path with multiplier 1 on every edge and no gradient to α. */
export function plainPath(path: Arch): EdgeSpec {
  return { kind: 'path', path, weights: tf.ones([NUM_EDGES, NUM_OPS]) };
}

export function addInto(target: Float32Array, g: ArrayLike<number>): Float32Array {
  for (let i = 0; i < target.length; i++) target[i] = (target[i] as number) + (g[i] as number);
  return target;
}

/** Zero the entries of removed ops (they never influence anything; keeps logs clean). */
export function maskGrad(g: Float32Array, mask: Mask): Float32Array {
  for (let e = 0; e < NUM_EDGES; e++) for (let op = 0; op < NUM_OPS; op++) if (!mask.allows(e, op)) g[e * NUM_OPS + op] = 0;
  return g;
}
