import * as tf from '@tensorflow/tfjs-core';

interface ConvFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Conv2DBackpropFilter(x, dy) = dW is linear in each input, so its gradient is the adjoint: for an
 * upstream ddW, ∂/∂dy = conv2d(x, ddW) and ∂/∂x = conv2DBackpropInput(x.shape, dy, ddW)
 * (= conv2dTranspose), with the same strides and padding.
 */
export const conv2DBackpropFilterGradConfig: tf.GradConfig = {
  kernelName: 'Conv2DBackpropFilter',
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddw, saved, attrs) => {
    const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode } = attrs as unknown as ConvFilterAttrs;
    const upstream = (Array.isArray(ddw) ? ddw[0] : ddw) as tf.Tensor4D;
    return {
      x: () => tf.conv2dTranspose(dy, upstream, x.shape, strides, pad, dimRoundingMode),
      dy: () => tf.conv2d(x, upstream, strides, pad, 'NHWC', 1, dimRoundingMode),
    };
  },
};
