import * as tf from '@tensorflow/tfjs-core';
import type { KernelOverride } from './kernel-override';
import type { NodeBackend } from './node-backend';

/** TensorFlow's ReluGrad(gradients, features) = gradients·(features > 0), on tfjs-node. */
export const RELU_GRAD_KERNEL = 'FsnasReluGrad';

export const reluGradKernel: KernelOverride = {
  kernelName: RELU_GRAD_KERNEL,
  backendName: 'tensorflow',
  config: () => ({
    kernelName: RELU_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const b = backend as unknown as NodeBackend;
      const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
      return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [dy, y]);
    },
  }),
};

/** ReLU's gradient dy·(y > 0) as the one ReluGrad kernel (its gradient: gradients/relu-grad-grad.ts). */
export function reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, y } as unknown as tf.NamedTensorMap) as tf.Tensor;
}
