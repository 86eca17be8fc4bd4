import * as tf from '@tensorflow/tfjs-core';
import { BN_TRAIN_GRAD_KERNEL, BN_TRAIN_KERNEL } from './kernels/batch-norm-train';
import { backendTuning, recordingGradients } from './tuning';

/** PyTorch BatchNorm2d defaults. */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** One BatchNorm2d: affine γ/β (absent when non-affine) and running statistics. */
export interface BatchNormParams {
  readonly gamma?: tf.Variable;
  readonly beta?: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
}

/**
 * BatchNorm over N,H,W of an NHWC tensor (PyTorch BatchNorm2d semantics).
 *
 * Train mode uses the batch statistics (biased variance) and, when `updateStats`, moves the running
 * statistics by momentum 0.1 with the unbiased variance, as PyTorch does. It is one custom-gradient
 * op: the forward is y = x·scale + shift with per-channel scale = γ/√(σ²+ε), shift = β − μ·scale
 * (3 full-size kernels + 2 channel sums, see channelSum), and the backward is the closed form
 * dx = a·dy + b·x + c (4 full-size kernels + 2 reductions) instead of differentiating through
 * moments op by op (~12 full-size kernels, and tfjs's fused batchNorm gradient fails without an
 * offset). Eval mode is the same affine map with the running statistics, left to autodiff so that
 * higher-order gradients (GraSP's Hessian-vector products) work.
 */
export function batchNorm(x: tf.Tensor4D, bn: BatchNormParams, training: boolean, updateStats = true): tf.Tensor4D {
  if (training) return batchNormTrain(x, bn, updateStats);
  const { scale, shift } = evalAffine(bn);
  return tf.add(tf.mul(x, scale), shift);
}

/**
 * Eval-mode BN as per-channel y = x·scale + shift (running statistics). convBN folds `scale` into
 * the convolution's filter instead of multiplying the full-size output (conv(x, W·scale) + shift):
 * the same map, with one full-size multiply fewer forward and two fewer backward.
 */
export function evalAffine(bn: BatchNormParams): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  let scale: tf.Tensor = tf.rsqrt(tf.add(bn.runningVar, BN_EPS));
  if (bn.gamma) scale = tf.mul(scale, bn.gamma);
  let shift: tf.Tensor = tf.neg(tf.mul(bn.runningMean, scale));
  if (bn.beta) shift = tf.add(shift, bn.beta);
  return { scale: scale as tf.Tensor1D, shift: shift as tf.Tensor1D };
}

function batchNormTrain(x: tf.Tensor4D, bn: BatchNormParams, updateStats: boolean): tf.Tensor4D {
  const channels = x.shape[3];
  const n = x.size / channels;
  const gamma = bn.gamma ?? tf.ones([channels]);
  const beta = bn.beta ?? tf.zeros([channels]);
  if (backendTuning().nativeBatchNorm) return batchNormTrainFused(x, gamma, beta, bn, updateStats, n);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.div(channelSum(xi), n);
    const variance = tf.div(channelSum(tf.squaredDifference(xi, mean)), n);
    const rstd = tf.rsqrt(tf.add(variance, BN_EPS));
    const scale = tf.mul(rstd, g);
    const shift = tf.sub(b, tf.mul(mean, scale));
    const y = tf.add(tf.mul(xi, scale), shift);
    if (updateStats) updateRunningStats(bn, mean as tf.Tensor1D, variance as tf.Tensor1D, n);
    save([xi, g, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, gs, mu, rs] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        return closedFormGrad(dy as tf.Tensor4D, xs, gs, mu, rs, n);
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * The same op on the backend's fused BN kernels (backendTuning().nativeBatchNorm): forward and
 * first-order backward are one kernel each. When the backward is itself differentiated (an outer
 * tape records it: grasp), it is the closed form above, from the same saved statistics.
 */
function batchNormTrainFused(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor, bn: BatchNormParams, updateStats: boolean, n: number): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, , r1, r2, r3] = tf.engine().runKernel(BN_TRAIN_KERNEL, { x: xi, scale: g, offset: b }, { epsilon: BN_EPS } as unknown as tf.NamedAttrMap) as tf.Tensor[];
    // r2 is the biased batch variance, r1 the batch mean.
    if (updateStats) updateRunningStats(bn, mean as tf.Tensor1D, r2 as tf.Tensor1D, n);
    save([xi, g, r1 as tf.Tensor, r2 as tf.Tensor, r3 as tf.Tensor]);
    return {
      value: y as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, gs, mu, variance, reserve] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor];
        const d = dy as tf.Tensor4D;
        if (!recordingGradients()) {
          return tf.engine().runKernel(BN_TRAIN_GRAD_KERNEL, { dy: d, x: xs, scale: gs, r1: mu, r2: variance, r3: reserve }, { epsilon: BN_EPS } as unknown as tf.NamedAttrMap) as tf.Tensor[];
        }
        return closedFormGrad(d, xs, gs, mu, tf.rsqrt(tf.add(variance, BN_EPS)) as tf.Tensor1D, n);
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * The closed-form BN backward: dx = a·(dy − mean(dy) − x̂·mean(dy·x̂)) with a = γ·rstd, rewritten as
 * a·dy + bx·x + c, and dγ = Σ dy·x̂, dβ = Σ dy. When this backward is itself differentiated (an outer
 * tape records it: grasp's H·v), the batch statistics are recomputed here from x: the saved ones were
 * made inside the custom op, where no tape sees that they depend on x, and the second-order terms
 * through μ(x) and σ²(x) would be lost.
 */
function closedFormGrad(d: tf.Tensor4D, xs: tf.Tensor4D, gs: tf.Tensor1D, mu: tf.Tensor1D, rs: tf.Tensor1D, n: number): tf.Tensor[] {
  if (recordingGradients()) {
    mu = tf.div(channelSum(xs), n) as tf.Tensor1D;
    rs = tf.rsqrt(tf.add(tf.div(channelSum(tf.square(tf.sub(xs, mu)) as tf.Tensor4D), n), BN_EPS)) as tf.Tensor1D;
  }
  const a = tf.mul(rs, gs);
  const sumDy = channelSum(d);
  // Σ dy·x̂ = rstd·(Σ dy·x − μ·Σ dy), x̂ = (x − μ)·rstd.
  const sumDyXhat = tf.mul(rs, tf.sub(channelSum(tf.mul(d, xs)), tf.mul(mu, sumDy)));
  const bx = tf.mul(tf.neg(tf.mul(a, rs)), tf.div(sumDyXhat, n));
  const c = tf.sub(tf.mul(tf.neg(a), tf.div(sumDy, n)), tf.mul(bx, mu));
  return [tf.add(tf.add(tf.mul(d, a), tf.mul(xs, bx)), c), sumDyXhat, sumDy];
}

/**
 * Per-channel sum over N,H,W. On wasm and cpu as ones[1,M]·X[M,C]: they reduce only along the
 * innermost axis, so tf.sum(x, [0,1,2]) first transposes the whole NHWC tensor; the matmul reads it
 * once (~20× faster on wasm for a [64,32,32,16] tensor). TensorFlow reduces over any axes natively,
 * 4× faster than the matmul there (backendTuning().channelSum).
 */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
  if (backendTuning().channelSum === 'reduce') return tf.sum(x, [0, 1, 2]);
  const c = x.shape[3];
  const m = x.size / c;
  return tf.reshape(tf.matMul(tf.ones([1, m]), tf.reshape(x, [m, c])), [c]);
}

function updateRunningStats(bn: BatchNormParams, mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
  tf.tidy(() => {
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
}
