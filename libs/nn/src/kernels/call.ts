import * as tf from '@tensorflow/tfjs-core';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * Run another kernel of the same backend directly, below the engine: no tape recording, no tidy
 * tracking, exactly like tfjs's own composite kernels. The caller must release every intermediate
 * with `release`; only the final output is handed back to the engine.
 */
export function callKernel(name: string, backend: tf.KernelBackend, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  const config = tf.getKernel(name, tf.getBackend());
  if (!config) throw new Error(`kernel ${name} is not registered for backend ${tf.getBackend()}`);
  const args: KernelArgs = { inputs, backend, attrs };
  const out = config.kernelFunc(args);
  if (Array.isArray(out)) throw new Error(`kernel ${name} returned several outputs; expected one`);
  return out as tf.TensorInfo;
}

export function release(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
