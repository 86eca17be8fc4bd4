import type * as tf from '@tensorflow/tfjs-core';
import type { KernelOverride } from './kernel-override';

interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

/**
 * Identity (and Cast to the same dtype) for the wasm backend without a copy. The package copies the
 * whole buffer, and tfjs's engine clones every tensor it saves for the backward pass through
 * Identity: ~1,700 full-size copies per supernet training step, ~25 % of the step. tfjs tensors
 * are immutable (Variable.assign swaps the data id), so sharing a refcounted buffer is safe; this
 * is what the package's own Reshape and the cpu backend's Identity do.
 */
export function makeSharingIdentity(fallback: tf.KernelFunc | undefined) {
  return function identity(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const x = args.inputs['x'] as tf.TensorInfo;
    const dtype = (args.attrs as { dtype?: tf.DataType } | undefined)?.dtype ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) {
      if (!fallback) throw new Error(`no fallback kernel for ${x.dtype} → ${dtype}`);
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    }
    (args.backend as unknown as RefCounted).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * The sharing Identity or Cast for a backend that always shares (wasm); the package's kernel stays the
 * fallback for string tensors and real casts. tfjs-node switches sharing per tuning (tuning.ts).
 */
export function sharingIdentityKernel(kernelName: 'Identity' | 'Cast', backendName: string): KernelOverride {
  return { kernelName, backendName, config: (own) => ({ kernelName, backendName, kernelFunc: makeSharingIdentity(own?.kernelFunc) as unknown as tf.KernelFunc }) };
}
