import type * as tf from '@tensorflow/tfjs-core';

/**
 * One of our kernels for one tfjs backend. Its config is built from the backend package's own kernel
 * of that name, when there is one: ours replaces it and may keep it as the fallback for the cases it
 * does not handle (kernels/index.ts registers the list once the package has registered its own).
 */
export interface KernelOverride {
  readonly kernelName: string;
  readonly backendName: string;
  readonly config: (own: tf.KernelConfig | undefined) => tf.KernelConfig;
}
