import * as tf from '@tensorflow/tfjs-core';
import { reluGrad } from './kernels/relu-grad';
import { makeSharingIdentity } from './kernels/share-data';

/**
 * The per-backend choices of libs/nn, in one place (docs/decisions/0009-tfjs-backends.md). Each was
 * measured on the backend it is chosen for; everything else is the same graph on every backend.
 */
export interface BackendTuning {
  /**
   * How train-mode BN sums over N,H,W. `matmul`: ones[1,M]·X[M,C] (wasm and cpu reduce only the
   * innermost axis, so tf.sum(x,[0,1,2]) transposes the whole tensor first: 20× slower there);
   * `reduce`: tf.sum over [0,1,2] (TensorFlow reduces any axes natively, 4× faster than the matmul).
   */
  readonly channelSum: 'matmul' | 'reduce';
  /**
   * ReLU's gradient as TensorFlow's one ReluGrad kernel instead of tfjs's dy·step(x) (tfjs-node's Step
   * is seven kernels, two of them full-size fills). Differentiable again (gradients/relu-grad-grad.ts).
   */
  readonly nativeReluGrad: boolean;
  /**
   * Estimated peak bytes of a train-mode pass above which cells are checkpointed by default
   * (checkpoint.ts): the 32-bit wasm heap holds 4 GB at most; native engines are limited by RAM only,
   * where recomputation would be pure extra work.
   */
  readonly checkpointBytes: number;
  /**
   * Identity and same-dtype Cast share the input's buffer (refcounted) instead of running a kernel:
   * the engine clones every tensor saved for backprop through Identity, and tfjs's Multiply gradient
   * casts both inputs (on tfjs-node each was a TensorFlow op: ~4,700 per supernet fwd+bwd). wasm and
   * cpu get the same from kernels/ (share-data.ts) / their own Identity.
   */
  readonly sharingIdentity: boolean;
  /**
   * Train-mode BN as TensorFlow's FusedBatchNormV3 / FusedBatchNormGradV3 (one kernel each way instead
   * of ~10 element-wise kernels and reductions). The backward uses the fused kernel only when it is
   * not itself being differentiated (no tape recording: every first-order pass); a second-order pass
   * (grasp) takes the closed form of bn.ts, which is differentiable.
   */
  readonly nativeBatchNorm: boolean;
}

const WASM_LIKE: BackendTuning = { channelSum: 'matmul', nativeReluGrad: false, checkpointBytes: 2.8e9, sharingIdentity: false, nativeBatchNorm: false };
const TENSORFLOW: BackendTuning = { channelSum: 'reduce', nativeReluGrad: true, checkpointBytes: 16e9, sharingIdentity: true, nativeBatchNorm: true };

/** tfjs backend name → tuning; unknown backends get the conservative wasm-like choices (but no heap limit). */
const TUNINGS: Readonly<Record<string, BackendTuning>> = {
  wasm: WASM_LIKE,
  cpu: { ...WASM_LIKE, checkpointBytes: 16e9 },
  tensorflow: TENSORFLOW,
};

/** The tuning of the active tfjs backend (on first use, it installs that backend's tuned kernels). */
export function backendTuning(backendName: string = tf.getBackend()): BackendTuning {
  const tuning = overrides.get(backendName) ?? TUNINGS[backendName] ?? { ...WASM_LIKE, checkpointBytes: 16e9 };
  if (tuning.sharingIdentity !== sharing.has(backendName)) setSharing(backendName, tuning.sharingIdentity);
  return tuning;
}

const overrides = new Map<string, BackendTuning>();

/**
 * Tests and benchmarks: run a backend with other choices (`undefined` restores the tuned ones), e.g.
 * to time or compare TensorFlow with the wasm-style graph.
 */
export function overrideBackendTuning(backendName: string, tuning: Partial<BackendTuning> | undefined): void {
  if (tuning) overrides.set(backendName, { ...(TUNINGS[backendName] ?? WASM_LIKE), ...tuning });
  else overrides.delete(backendName);
}

/** The backend's own Identity and Cast, while replaced by sharing ones. */
const sharing = new Map<string, tf.KernelConfig[]>();

/** Replace the backend's Identity and Cast by refcounted sharing (kernels/share-data.ts) with theirs as fallbacks, or put theirs back. */
function setSharing(backendName: string, on: boolean): void {
  if (!on) {
    for (const own of sharing.get(backendName) ?? []) {
      tf.unregisterKernel(own.kernelName, backendName);
      tf.registerKernel(own);
    }
    sharing.delete(backendName);
    return;
  }
  const owns: tf.KernelConfig[] = [];
  for (const kernelName of ['Identity', 'Cast']) {
    const own = tf.getKernel(kernelName, backendName);
    if (!own) continue;
    owns.push(own);
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: makeSharingIdentity(own.kernelFunc) as unknown as tf.KernelFunc, ...(own.setupFunc ? { setupFunc: own.setupFunc } : {}) });
  }
  sharing.set(backendName, owns);
}

/** Whether ops run now are recorded for a further differentiation (an outer tf.grad is active). */
export function recordingGradients(): boolean {
  return (tf.engine() as unknown as { isTapeOn(): boolean }).isTapeOn();
}

/** ReLU whose gradient is one ReluGrad kernel (the tensor saved for it is the output). */
const reluNativeGrad = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const y = tf.relu(x);
  (args[1] as tf.GradSaveFunc)([y]);
  return { value: y, gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => reluGrad(dy as tf.Tensor, saved[0] as tf.Tensor) };
}) as (x: tf.Tensor) => tf.Tensor;

/** tf.relu, with the native gradient where the backend has it and a gradient is being recorded (a forward-only pass skips the custom op's bookkeeping). */
export function fastRelu<T extends tf.Tensor>(x: T): T {
  return (backendTuning().nativeReluGrad && recordingGradients() ? reluNativeGrad(x) : tf.relu(x)) as T;
}
