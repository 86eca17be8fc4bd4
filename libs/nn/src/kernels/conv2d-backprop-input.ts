import * as tf from '@tensorflow/tfjs-core';
import { callKernel, release } from './call';
import { convGeometry } from './conv-geometry';
import type { KernelOverride } from './kernel-override';

/**
 * Conv2DBackpropInput for the wasm backend, replacing the package's scalar loop (~6× slower than
 * the forward conv) with a forward Conv2D on XNNPACK: dX = conv(dilate_s(dY), rot180(W)ᵀ) with
 * padding K−1−pad. Stride s > 1 inserts s−1 zeros between dY pixels first (reshape + pad).
 */
export function conv2DBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const dy = inputs['dy'] as tf.TensorInfo;
  const filter = inputs['filter'] as tf.TensorInfo;
  const { inputShape } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = convGeometry(inputShape, filter.shape, attrs);
  const { batchSize: B, outChannels: Co, filterHeight: KH, filterWidth: KW, outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw, inHeight: H, inWidth: W } = info;
  const { top, left } = info.padInfo;
  const temps: tf.TensorInfo[] = [];
  try {
    // Filter [KH,KW,Ci,Co] → flipped spatially, channels swapped: [KH,KW,Co,Ci].
    const rev = callKernel('Reverse', backend, { x: filter }, { dims: [0, 1] });
    temps.push(rev);
    const wT = callKernel('Transpose', backend, { x: rev }, { perm: [0, 1, 3, 2] });
    temps.push(wT);
    let d = dy;
    let hd = Ho;
    let wd = Wo;
    if (sh > 1 || sw > 1) {
      const r6 = callKernel('Reshape', backend, { x: dy }, { shape: [B, Ho, 1, Wo, 1, Co] });
      temps.push(r6);
      const p6 = callKernel('PadV2', backend, { x: r6 }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
      temps.push(p6);
      hd = Ho * sh;
      wd = Wo * sw;
      d = callKernel('Reshape', backend, { x: p6 }, { shape: [B, hd, wd, Co] });
      temps.push(d);
    }
    // Output row i reads dilated rows i+top−(KH−1) … i+top; pad so that exactly H rows come out.
    const pt = KH - 1 - top;
    const pl = KW - 1 - left;
    const pb = H + KH - 1 - pt - hd;
    const pr = W + KW - 1 - pl - wd;
    if (pt < 0 || pl < 0) throw new Error(`Conv2DBackpropInput (wasm): padding ${top}/${left} larger than the filter is not supported`);
    if (pb < 0 || pr < 0) {
      const cropped = callKernel('Slice', backend, { x: d }, { begin: [0, 0, 0, 0], size: [B, hd + Math.min(0, pb), wd + Math.min(0, pr), Co] });
      temps.push(cropped);
      d = cropped;
    }
    const pad = [
      [0, 0],
      [pt, Math.max(0, pb)],
      [pl, Math.max(0, pr)],
      [0, 0],
    ];
    return callKernel('Conv2D', backend, { x: d, filter: wT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
  } finally {
    release(backend, ...temps);
  }
}

/** Replaces the package's scalar-loop Conv2DBackpropInput outright (no fallback: see the kernel's padding check). */
export const conv2DBackpropInputWasmKernel: KernelOverride = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  config: () => ({ kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc }),
};
