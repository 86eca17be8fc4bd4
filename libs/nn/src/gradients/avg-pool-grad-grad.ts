import * as tf from '@tensorflow/tfjs-core';

interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
}

/**
 * AvgPoolGrad(dy, input) is the adjoint of average pooling applied to dy, so ∂/∂dy = avgPool(ddx);
 * it does not depend on the input's values (∂/∂input = 0).
 */
export const avgPoolGradGradConfig: tf.GradConfig = {
  kernelName: 'AvgPoolGrad',
  inputsToSave: ['input'],
  gradFunc: (ddx, saved, attrs) => {
    const [input] = saved as [tf.Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as PoolAttrs;
    const upstream = (Array.isArray(ddx) ? ddx[0] : ddx) as tf.Tensor4D;
    return {
      dy: () => tf.avgPool(upstream, filterSize, strides, pad),
      input: () => tf.zerosLike(input),
    };
  },
};
