import * as tf from '@tensorflow/tfjs-core';

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
  let scale: tf.Tensor = tf.rsqrt(tf.add(bn.runningVar, BN_EPS));
  if (bn.gamma) scale = tf.mul(scale, bn.gamma);
  let shift: tf.Tensor = tf.neg(tf.mul(bn.runningMean, scale));
  if (bn.beta) shift = tf.add(shift, bn.beta);
  return tf.add(tf.mul(x, scale), shift);
}

function batchNormTrain(x: tf.Tensor4D, bn: BatchNormParams, updateStats: boolean): tf.Tensor4D {
  const channels = x.shape[3];
  const n = x.size / channels;
  const gamma = bn.gamma ?? tf.ones([channels]);
  const beta = bn.beta ?? tf.zeros([channels]);
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
    save([xi, mean, rstd, scale]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xs, mu, rs, a] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const d = dy as tf.Tensor4D;
        const sumDy = channelSum(d);
        // Σ dy·x̂ = rstd·(Σ dy·x − μ·Σ dy), x̂ = (x − μ)·rstd.
        const sumDyXhat = tf.mul(rs, tf.sub(channelSum(tf.mul(d, xs)), tf.mul(mu, sumDy)));
        // dx = a·(dy − mean(dy) − x̂·mean(dy·x̂)) with a = γ·rstd, rewritten as a·dy + bx·x + c.
        const bx = tf.mul(tf.neg(tf.mul(a, rs)), tf.div(sumDyXhat, n));
        const c = tf.sub(tf.mul(tf.neg(a), tf.div(sumDy, n)), tf.mul(bx, mu));
        const dx = tf.add(tf.add(tf.mul(d, a), tf.mul(xs, bx)), c);
        return [dx, sumDyXhat, sumDy];
      },
    };
  });
  return op(x, gamma, beta) as tf.Tensor4D;
}

/**
 * Per-channel sum over N,H,W as ones[1,M]·X[M,C]. tfjs reduces only along the innermost axis, so
 * tf.sum(x, [0,1,2]) first transposes the whole NHWC tensor; the matmul reads it once (~20× faster
 * on wasm for a [64,32,32,16] tensor).
 */
export function channelSum(x: tf.Tensor4D): tf.Tensor1D {
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
