import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, evalAffine, type BatchNormParams } from './bn';
import { fastRelu } from './tuning';

/** Options every layer sees during one forward pass. */
export interface LayerContext {
  readonly training: boolean;
  /** Move BN running statistics in train mode (default true, as PyTorch does). */
  readonly updateStats: boolean;
  /** Called with every ReLU output, in forward order (post-activation metrics such as NASWOT). */
  readonly onRelu?: (name: string, activation: tf.Tensor4D) => void;
}

/** Conv (no bias) → BN, with the conv weight in HWIO layout. */
export interface ConvBN {
  readonly name: string;
  readonly weight: tf.Variable;
  readonly stride: number;
  readonly bn: BatchNormParams;
}

export function relu(x: tf.Tensor4D, name: string, ctx: LayerContext): tf.Tensor4D {
  const y = fastRelu(x);
  ctx.onRelu?.(name, y);
  return y;
}

/**
 * Conv(k, stride, pad (k−1)/2) → BN on an input that is already ReLU'd. At stride 1 that is TF's
 * 'same'. At stride 2 PyTorch's pad 1 is not 'same' (which pads bottom/right only on even inputs),
 * so the input is padded explicitly and the conv is 'valid' (tfjs-node's gradient kernels reject
 * explicit conv padding).
 */
export function convBN(xRelu: tf.Tensor4D, layer: ConvBN, ctx: LayerContext): tf.Tensor4D {
  if (ctx.training) return batchNorm(conv(xRelu, layer.weight as tf.Tensor4D, layer.stride), layer.bn, true, ctx.updateStats);
  // Eval BN is per-output-channel affine: fold its scale into the filter (evalAffine).
  const { scale, shift } = evalAffine(layer.bn);
  return tf.add(conv(xRelu, tf.mul(layer.weight, scale) as tf.Tensor4D, layer.stride), shift);
}

function conv(xRelu: tf.Tensor4D, weight: tf.Tensor4D, stride: number): tf.Tensor4D {
  const k = weight.shape[0];
  const p = (k - 1) / 2;
  if (stride === 1 || p === 0) return tf.conv2d(xRelu, weight, stride, p === 0 ? 'valid' : 'same');
  const padded = tf.pad(xRelu, [
    [0, 0],
    [p, p],
    [p, p],
    [0, 0],
  ]);
  return tf.conv2d(padded, weight, stride, 'valid');
}

/** AvgPool2d(3, stride 1, pad 1, count_include_pad=False): TF 'same' pooling divides by the valid count. */
export function avgPool3x3(x: tf.Tensor4D): tf.Tensor4D {
  return tf.avgPool(x, 3, 1, 'same');
}
