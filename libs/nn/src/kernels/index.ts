import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradKernel } from './avg-pool-grad';
import { batchNormTrainGradKernel, batchNormTrainKernel } from './batch-norm-train';
import { conv2DBackpropFilterWasmKernel } from './conv2d-backprop-filter';
import { conv2DBackpropInputWasmKernel } from './conv2d-backprop-input';
import type { KernelOverride } from './kernel-override';
import { reluGradKernel } from './relu-grad';
import { sharingIdentityKernel } from './share-data';

/**
 * Our kernels, one per file, in one list as a tfjs backend's register_all_kernels:
 * - wasm (tfjs-backend-wasm 4.22), which NB201 training and the metrics need: Conv2DBackpropFilter is
 *   missing from the package; Conv2DBackpropInput and AvgPoolGrad are present but scalar loops, 6–10×
 *   slower than the forward ops, so they are replaced by formulations on XNNPACK convolutions; Identity
 *   and Cast (same dtype) are present but copying, so they are replaced by refcounted sharing;
 * - cpu: the true AvgPoolGrad for padded windows (avg-pool-grad.ts);
 * - tensorflow (tfjs-node): fused train-mode BN and ReluGrad, which the tuning (tuning.ts) chooses.
 * The wasm ones are checked against the cpu backend in kernels.test.ts.
 */
const KERNELS: readonly KernelOverride[] = [
  sharingIdentityKernel('Identity', 'wasm'),
  sharingIdentityKernel('Cast', 'wasm'),
  conv2DBackpropFilterWasmKernel,
  conv2DBackpropInputWasmKernel,
  avgPoolGradKernel('wasm'),
  avgPoolGradKernel('cpu'),
  batchNormTrainKernel,
  batchNormTrainGradKernel,
  reluGradKernel,
];

const registered = new Set<string>();

/**
 * Register our kernels for one tfjs backend (its tfjs name: wasm, cpu, tensorflow), once, after its
 * package has registered its own: ours replace those, and some keep them as fallbacks.
 */
export function registerKernels(backendName: string): void {
  if (registered.has(backendName)) return;
  for (const kernel of KERNELS) {
    if (kernel.backendName !== backendName) continue;
    const own = tf.getKernel(kernel.kernelName, backendName);
    if (own) tf.unregisterKernel(kernel.kernelName, backendName);
    tf.registerKernel(kernel.config(own));
  }
  registered.add(backendName);
}
