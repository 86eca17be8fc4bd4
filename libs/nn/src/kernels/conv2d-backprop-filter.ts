import * as tf from '@tensorflow/tfjs-core';
import { callKernel, release } from './call';
import { convGeometry } from './conv-geometry';
import type { KernelOverride } from './kernel-override';

/**
 * Conv2DBackpropFilter for the wasm backend, which ships none (tfjs-backend-wasm 4.22).
 *
 * dW[kh,kw,ci,co] = Σ_{b,y,x} Xpad[b, y·s+kh, x·s+kw, ci] · dY[b,y,x,co] is itself a convolution:
 * take Xpad as a batch of Ci images with B channels ([Ci,Hp,Wp,B]) and dY as a filter
 * ([Ho,Wo,B,Co]) dilated by the stride; the "valid" output is [Ci,KH,KW,Co]. That runs on XNNPACK's
 * Conv2D (one big-K GEMM) and is ~10× faster than im2col + the wasm BatchMatMul with transposeA,
 * which is a scalar loop. Cost: two transposes of the activations and one of the tiny result.
 */
export function conv2DBackpropFilterWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const x = inputs['x'] as tf.TensorInfo;
  const dy = inputs['dy'] as tf.TensorInfo;
  const { filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = convGeometry(x.shape, filterShape, attrs);
  const { batchSize: B, inChannels: Ci, filterHeight: KH, filterWidth: KW, outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  // Only the rows/cols a filter tap can reach: (Ho−1)·s + KH of the padded input.
  const needH = (Ho - 1) * sh + KH;
  const needW = (Wo - 1) * sw + KW;
  const temps: tf.TensorInfo[] = [];
  try {
    let xp = x;
    const padBottom = Math.max(0, needH - top - H);
    const padRight = Math.max(0, needW - left - W);
    if (top + left + padBottom + padRight > 0) {
      xp = callKernel('PadV2', backend, { x }, { paddings: [[0, 0], [top, padBottom], [left, padRight], [0, 0]], constantValue: 0 });
      temps.push(xp);
    }
    if (xp.shape[1] !== needH || xp.shape[2] !== needW) {
      const cropped = callKernel('Slice', backend, { x: xp }, { begin: [0, 0, 0, 0], size: [B, needH, needW, Ci] });
      temps.push(cropped);
      xp = cropped;
    }
    const xt = callKernel('Transpose', backend, { x: xp }, { perm: [3, 1, 2, 0] });
    temps.push(xt);
    const dyt = callKernel('Transpose', backend, { x: dy }, { perm: [1, 2, 0, 3] });
    temps.push(dyt);
    const out = callKernel('Conv2D', backend, { x: xt, filter: dyt }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
    temps.push(out);
    return callKernel('Transpose', backend, { x: out }, { perm: [1, 2, 0, 3] });
  } finally {
    release(backend, ...temps);
  }
}

/** The wasm package has no Conv2DBackpropFilter: NB201 training and the metrics need it. */
export const conv2DBackpropFilterWasmKernel: KernelOverride = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  config: () => ({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc }),
};
