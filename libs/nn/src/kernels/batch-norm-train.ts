import * as tf from '@tensorflow/tfjs-core';
import type { KernelOverride } from './kernel-override';
import type { NodeBackend, OpAttr } from './node-backend';

/** TensorFlow's train-mode fused BN: y, batch mean, unbiased batch variance, and its 3 reserve tensors. */
export const BN_TRAIN_KERNEL = 'FsnasBatchNormTrain';
/** Its gradient: dx, dγ, dβ from dy, x, γ and the 3 reserve tensors. Not differentiable (see nativeBatchNorm in tuning.ts). */
export const BN_TRAIN_GRAD_KERNEL = 'FsnasBatchNormTrainGrad';

function bnAttrs(b: NodeBackend, epsilon: number, withAverageFactor: boolean): OpAttr[] {
  const B = b.binding;
  return [
    { name: 'T', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'U', type: B.TF_ATTR_TYPE, value: B.TF_FLOAT },
    { name: 'epsilon', type: B.TF_ATTR_FLOAT, value: epsilon },
    ...(withAverageFactor ? [{ name: 'exponential_avg_factor', type: B.TF_ATTR_FLOAT, value: 1 }] : []),
    { name: 'data_format', type: B.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: B.TF_ATTR_BOOL, value: true },
  ];
}

/** FusedBatchNormV3 on tfjs-node (bn.ts uses it where the tuning's nativeBatchNorm is on). */
export const batchNormTrainKernel: KernelOverride = {
  kernelName: BN_TRAIN_KERNEL,
  backendName: 'tensorflow',
  config: () => ({
    kernelName: BN_TRAIN_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as NodeBackend;
      const { x, scale, offset } = inputs as { x: tf.TensorInfo; scale: tf.TensorInfo; offset: tf.TensorInfo };
      const empty = tf.tensor1d([], 'float32');
      try {
        return b.executeMultipleOutputs('FusedBatchNormV3', bnAttrs(b, (attrs as { epsilon: number }).epsilon, true), [x, scale, offset, empty, empty], 6);
      } finally {
        empty.dispose();
      }
    },
  }),
};

/** FusedBatchNormGradV3 on tfjs-node. */
export const batchNormTrainGradKernel: KernelOverride = {
  kernelName: BN_TRAIN_GRAD_KERNEL,
  backendName: 'tensorflow',
  config: () => ({
    kernelName: BN_TRAIN_GRAD_KERNEL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as NodeBackend;
      const { dy, x, scale, r1, r2, r3 } = inputs as Record<'dy' | 'x' | 'scale' | 'r1' | 'r2' | 'r3', tf.TensorInfo>;
      return b.executeMultipleOutputs('FusedBatchNormGradV3', bnAttrs(b, (attrs as { epsilon: number }).epsilon, false), [dy, x, scale, r1, r2, r3], 5).slice(0, 3);
    },
  }),
};
