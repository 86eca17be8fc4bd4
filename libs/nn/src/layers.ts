import * as tf from '@tensorflow/tfjs-core';
import { batchNorm, evalAffine, type BatchNormParams } from './bn';
import { fastRelu } from './tuning';

/** How BN layers normalise: batch statistics (train), running statistics (eval), or not at all (synflow). */
export type BnMode = 'batch' | 'running' | 'identity';

/** Options every layer sees during one forward pass (ForwardOptions documents the hooks). */
export interface LayerContext {
  readonly bn: BnMode;
  /** Move BN running statistics in batch mode (default true, as PyTorch does). */
  readonly updateStats: boolean;
  /**
   * Run every layer as its PyTorch module does: BN applied to the conv's own output, and one ReLU per
   * ReLU-Conv-BN module. On for passes with hooks or overrides (the metrics'), so that the hooks see
   * each module's tensors and values follow the modules' order of operations. Off (plain passes), for
   * speed: running-mode BN is folded into the conv filter and the conv ops reading a node share its ReLU.
   */
  readonly perModule: boolean;
  readonly param?: (name: string) => tf.Tensor;
  readonly onLayerOutput?: (name: string, y: tf.Tensor) => tf.Tensor;
  readonly onRelu?: (name: string, activation: tf.Tensor4D) => void;
  readonly onBnInput?: (prefix: string, y: tf.Tensor4D) => void;
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

/** A parameter of the pass: the override (ForwardOptions.param) when one is set, else the network's own. */
export function paramOf(name: string, own: tf.Variable, ctx: LayerContext): tf.Tensor {
  return ctx.param ? ctx.param(name) : own;
}

/**
 * Conv(k, stride, pad (k−1)/2) → BN on an input that is already ReLU'd. At stride 1 that is TF's
 * 'same'. At stride 2 PyTorch's pad 1 is not 'same' (which pads bottom/right only on even inputs),
 * so the input is padded explicitly and the conv is 'valid' (tfjs-node's gradient kernels reject
 * explicit conv padding).
 */
export function convBN(xRelu: tf.Tensor4D, layer: ConvBN, ctx: LayerContext): tf.Tensor4D {
  if (ctx.bn === 'running' && !ctx.perModule) {
    // Eval BN is per-output-channel affine: fold its scale into the filter (evalAffine).
    const { scale, shift } = evalAffine(layer.bn);
    return tf.add(conv(xRelu, tf.mul(layer.weight, scale) as tf.Tensor4D, layer.stride), shift);
  }
  const name = `${layer.name}.conv`;
  return batchNormLayer(layerOutput(conv(xRelu, paramOf(name, layer.weight, ctx) as tf.Tensor4D, layer.stride), name, ctx), `${layer.name}.bn`, layer.bn, ctx);
}

/** A Conv/Linear output as the pass continues with it (ForwardOptions.onLayerOutput). */
export function layerOutput<T extends tf.Tensor>(y: T, name: string, ctx: LayerContext): T {
  return ctx.onLayerOutput ? (ctx.onLayerOutput(name, y) as T) : y;
}

/** One BN layer under the pass's BN mode; `prefix` names its parameters (`<prefix>.weight`, ...). */
export function batchNormLayer(y: tf.Tensor4D, prefix: string, bn: BatchNormParams, ctx: LayerContext): tf.Tensor4D {
  ctx.onBnInput?.(prefix, y);
  if (ctx.bn === 'identity') return y;
  return batchNorm(y, ctx.param ? overriddenBn(prefix, bn, ctx.param) : bn, ctx.bn === 'batch', ctx.updateStats);
}

/**
 * The BN's parameters and statistics as the overrides give them. Values only: they are plain tensors,
 * so a batch-mode pass with overrides must not update the statistics (updateStats false).
 */
function overriddenBn(prefix: string, bn: BatchNormParams, param: (name: string) => tf.Tensor): BatchNormParams {
  const value = (name: string): tf.Variable => param(`${prefix}.${name}`) as tf.Variable;
  return {
    ...(bn.gamma ? { gamma: value('weight') } : {}),
    ...(bn.beta ? { beta: value('bias') } : {}),
    runningMean: value('running_mean'),
    runningVar: value('running_var'),
  };
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
