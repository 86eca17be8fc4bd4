import * as tf from '@tensorflow/tfjs-core';
import { makeAvgPoolGrad } from './avg-pool-grad';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2DBackpropInputWasm } from './conv2d-backprop-input';
import { makeSharingIdentity } from './share-data';

/**
 * Gradient kernels for tfjs-backend-wasm 4.22, which NB201 training and the metrics need:
 * - Conv2DBackpropFilter: missing from the package;
 * - Conv2DBackpropInput, AvgPoolGrad: present but scalar loops, 6–10× slower than the forward ops,
 *   so they are replaced by formulations on XNNPACK convolutions;
 * - Identity, Cast (same dtype): present but copying; replaced by refcounted sharing (share-data.ts).
 * Each is checked against the cpu backend in kernels.test.ts.
 *
 * AvgPoolGrad is also wrong in tfjs 4.22 (cpu and wasm alike) for padded windows: the forward
 * divides by the number of valid inputs (count_include_pad=False) but the gradient divides by
 * k·k. Our kernel is the true gradient, so it replaces the cpu one as well (registerCpuKernels).
 */
let registered = false;

export function registerWasmKernels(): void {
  if (registered) return;
  const wasmPool = tf.getKernel('AvgPoolGrad', 'wasm');
  const wasmIdentity = tf.getKernel('Identity', 'wasm');
  const wasmCast = tf.getKernel('Cast', 'wasm');
  const configs: tf.KernelConfig[] = [
    { kernelName: 'Identity', backendName: 'wasm', kernelFunc: makeSharingIdentity(wasmIdentity?.kernelFunc) as unknown as tf.KernelFunc },
    { kernelName: 'Cast', backendName: 'wasm', kernelFunc: makeSharingIdentity(wasmCast?.kernelFunc) as unknown as tf.KernelFunc },
    { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc },
    { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc },
    // Keep the package's setup so its kernel still works as the fallback for other geometries.
    {
      kernelName: 'AvgPoolGrad',
      backendName: 'wasm',
      kernelFunc: makeAvgPoolGrad(wasmPool?.kernelFunc) as unknown as tf.KernelFunc,
      ...(wasmPool?.setupFunc ? { setupFunc: wasmPool.setupFunc } : {}),
    },
  ];
  for (const config of configs) {
    if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
  }
  registered = true;
}

let cpuRegistered = false;

/** The AvgPoolGrad fix for the cpu backend (see above); its fallback is the package kernel. */
export function registerCpuKernels(): void {
  if (cpuRegistered) return;
  const cpuPool = tf.getKernel('AvgPoolGrad', 'cpu');
  if (cpuPool) tf.unregisterKernel('AvgPoolGrad', 'cpu');
  tf.registerKernel({
    kernelName: 'AvgPoolGrad',
    backendName: 'cpu',
    kernelFunc: makeAvgPoolGrad(cpuPool?.kernelFunc) as unknown as tf.KernelFunc,
    ...(cpuPool?.setupFunc ? { setupFunc: cpuPool.setupFunc } : {}),
  });
  cpuRegistered = true;
}

export { conv2DBackpropFilterWasm, conv2DBackpropInputWasm, makeAvgPoolGrad };
