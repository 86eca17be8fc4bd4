import * as tf from '@tensorflow/tfjs-core';

/**
 * Equal (the arg-max mask in Max's gradient, which the loss's logSumExp differentiates) is
 * piecewise constant: zero gradient, as PyTorch gives comparisons.
 */
export const equalGradConfig: tf.GradConfig = {
  kernelName: 'Equal',
  inputsToSave: ['a', 'b'],
  gradFunc: (_dy, saved) => {
    const [a, b] = saved as [tf.Tensor, tf.Tensor];
    return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
  },
};
