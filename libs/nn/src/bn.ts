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
 * BatchNorm over N,H,W of an NHWC tensor, written as y = x·scale + shift with per-channel
 * scale = γ/√(σ²+ε), shift = β − μ·scale: two full-size kernels instead of four, and every piece is
 * an ordinary differentiable op (tfjs's fused batchNorm gradient fails without an offset).
 *
 * Train mode uses the batch statistics (biased variance) and, when `updateStats`, moves the running
 * statistics by momentum 0.1 with the unbiased variance, as PyTorch does. Eval mode uses the running
 * statistics.
 */
export function batchNorm(x: tf.Tensor4D, bn: BatchNormParams, training: boolean, updateStats = true): tf.Tensor4D {
  let mean: tf.Tensor1D;
  let variance: tf.Tensor1D;
  if (training) {
    const m = tf.moments(x, [0, 1, 2]);
    mean = m.mean as tf.Tensor1D;
    variance = m.variance as tf.Tensor1D;
    if (updateStats) updateRunningStats(bn, mean, variance, x.size / (x.shape[3] || 1));
  } else {
    mean = bn.runningMean as tf.Tensor1D;
    variance = bn.runningVar as tf.Tensor1D;
  }
  let scale: tf.Tensor = tf.rsqrt(tf.add(variance, BN_EPS));
  if (bn.gamma) scale = tf.mul(scale, bn.gamma);
  let shift: tf.Tensor = tf.neg(tf.mul(mean, scale));
  if (bn.beta) shift = tf.add(shift, bn.beta);
  return tf.add(tf.mul(x, scale), shift);
}

function updateRunningStats(bn: BatchNormParams, mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
  // State, not part of the loss: these ops reach no output, so backprop never visits them.
  tf.tidy(() => {
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
    bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  });
}
