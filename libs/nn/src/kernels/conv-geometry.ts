import * as tf from '@tensorflow/tfjs-core';

/** Padding and sizes of an NHWC, dilation-1 Conv2D, from tfjs's own shape logic. */
export function convGeometry(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): tf.backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') throw new Error(`wasm conv gradient kernels support NHWC only, got ${dataFormat}`);
  const dil = (attrs as { dilations?: number | [number, number] }).dilations;
  if (dil !== undefined && dil !== 1 && !(Array.isArray(dil) && dil[0] === 1 && dil[1] === 1)) throw new Error('wasm conv gradient kernels support dilation 1 only');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}
