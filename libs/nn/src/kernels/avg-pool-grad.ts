import * as tf from '@tensorflow/tfjs-core';
import { callKernel, release } from './call';
import type { KernelOverride } from './kernel-override';

/**
 * AvgPoolGrad for the wasm and cpu backends. It replaces the wasm package's scalar loop (~10×
 * slower than the forward pool) and fixes tfjs's gradient of padded windows (avgPoolGradKernel). TF-style average pooling divides by the number of valid (unpadded) inputs, so
 * dX = Σ_{windows q ∋ p} dY[q]/count(q): scale dY by 1/count (a [1,Ho,Wo,1] constant), then a
 * depthwise convolution with an all-ones filter on XNNPACK, transposed the same way as a conv.
 * Stride-1 odd windows and non-overlapping windows (k = stride, no padding) take this path; any
 * other geometry falls back to the package kernel.
 */
export function makeAvgPoolGrad(fallback: tf.KernelFunc | undefined) {
  return function avgPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { inputs, backend, attrs } = args;
    const dy = inputs['dy'] as tf.TensorInfo;
    const input = inputs['input'] as tf.TensorInfo;
    const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad);
    const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw, inHeight: H, inWidth: W, outHeight: Ho, outWidth: Wo, inChannels: C, batchSize: B } = info;
    const { top, left, bottom, right } = info.padInfo;
    const temps: tf.TensorInfo[] = [];
    try {
      if (sh === 1 && sw === 1 && KH % 2 === 1 && KW % 2 === 1 && top === (KH - 1) / 2 && left === (KW - 1) / 2 && Ho === H && Wo === W) {
        const inv = new Float32Array(Ho * Wo);
        for (let y = 0; y < Ho; y++) {
          const rows = Math.min(H, y - top + KH) - Math.max(0, y - top);
          for (let x = 0; x < Wo; x++) inv[y * Wo + x] = 1 / (rows * (Math.min(W, x - left + KW) - Math.max(0, x - left)));
        }
        const invInfo = { dataId: backend.write(inv, [1, Ho, Wo, 1], 'float32'), shape: [1, Ho, Wo, 1], dtype: 'float32' as const };
        temps.push(invInfo);
        const scaled = callKernel('Multiply', backend, { a: dy, b: invInfo });
        temps.push(scaled);
        const ones = { dataId: backend.write(new Float32Array(KH * KW * C).fill(1), [KH, KW, C, 1], 'float32'), shape: [KH, KW, C, 1], dtype: 'float32' as const };
        temps.push(ones);
        // Symmetric window and padding: the transposed "sum over windows containing p" is the same window sum.
        return callKernel('DepthwiseConv2dNative', backend, { x: scaled, filter: ones }, { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as tf.NamedAttrMap);
      }
      if (KH === sh && KW === sw && top + left + bottom + right === 0 && Ho * sh === H && Wo * sw === W) {
        // Non-overlapping windows: every input pixel gets dY/(KH·KW) of its one window (nearest upsampling).
        const scaled = callKernel('Multiply', backend, { a: dy, b: scalar(backend, 1 / (KH * KW), temps) });
        temps.push(scaled);
        const r6 = callKernel('Reshape', backend, { x: scaled }, { shape: [B, Ho, 1, Wo, 1, C] });
        temps.push(r6);
        const t6 = callKernel('Tile', backend, { x: r6 }, { reps: [1, 1, KH, 1, KW, 1] });
        temps.push(t6);
        return callKernel('Reshape', backend, { x: t6 }, { shape: [B, H, W, C] });
      }
      if (!fallback) throw new Error('AvgPoolGrad (wasm): unsupported geometry and no fallback kernel');
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
    } finally {
      release(backend, ...temps);
    }
  };
}

function scalar(backend: tf.KernelBackend, value: number, temps: tf.TensorInfo[]): tf.TensorInfo {
  const info = { dataId: backend.write(new Float32Array([value]), [], 'float32'), shape: [] as number[], dtype: 'float32' as const };
  temps.push(info);
  return info;
}

/**
 * AvgPoolGrad is wrong in tfjs 4.22 (cpu and wasm alike) for padded windows: the forward divides by
 * the number of valid inputs (count_include_pad=False) but the gradient divides by k·k. Ours is the
 * true gradient, so it replaces the package kernel on both backends; the package's kernel (and its
 * setup, so that it still works) is the fallback for other geometries.
 */
export function avgPoolGradKernel(backendName: 'wasm' | 'cpu'): KernelOverride {
  return {
    kernelName: 'AvgPoolGrad',
    backendName,
    config: (own) => ({
      kernelName: 'AvgPoolGrad',
      backendName,
      kernelFunc: makeAvgPoolGrad(own?.kernelFunc) as unknown as tf.KernelFunc,
      ...(own?.setupFunc ? { setupFunc: own.setupFunc } : {}),
    }),
  };
}
