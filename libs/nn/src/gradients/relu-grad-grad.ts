import * as tf from '@tensorflow/tfjs-core';
import { RELU_GRAD_KERNEL, reluGrad } from '../kernels/relu-grad';

/** ReluGrad is linear in dy with a piecewise-constant mask: d/d(dy) is ReluGrad again, d/dy(features) is 0. */
export const reluGradGradConfig: tf.GradConfig = {
  kernelName: RELU_GRAD_KERNEL,
  inputsToSave: ['y'],
  gradFunc: (ddx, saved) => {
    const [y] = saved as [tf.Tensor];
    return { dy: () => reluGrad(ddx as tf.Tensor, y), y: () => tf.zerosLike(y) };
  },
};
