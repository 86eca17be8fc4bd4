import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { crossEntropy, tf, type NB201Network } from '@fsnas/nn';
import type { TensorBatch } from '@fsnas/data';
import { assignArray, gradNorm, gradientsAt, grasp, hessianGradientProduct, l2Norm, plain, snip, weightGradients } from './gradients';
import { tinyBatches, tinyInput, useTestBackend } from '../testing';

const ARCH = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));

/** Cross-entropy on the batch at the given scaled/shifted weights (float64 accumulation of nothing: one forward). */
function lossAt(net: NB201Network, batch: TensorBatch, weights: readonly Float32Array[]): number {
  const vars = net.weights();
  const saved = vars.map((v) => v.dataSync().slice() as Float32Array);
  vars.forEach((v, i) => assignArray(v, weights[i] as Float32Array));
  const l = tf.tidy(() => crossEntropy(net.forward(batch.x, { training: true, updateStats: false }).logits, batch.y).dataSync()[0] as number);
  vars.forEach((v, i) => assignArray(v, saved[i] as Float32Array));
  return l;
}

describe('weight-gradient metrics', () => {
  beforeAll(useTestBackend);

  it('plain = Σ g⊙w equals the directional derivative of the loss along w (finite differences)', () => {
    const input = tinyInput(ARCH);
    const batch = input.batches[0] as TensorBatch;
    const w = input.net.weights().map((v) => v.dataSync().slice() as Float32Array);
    const h = 1e-3;
    const scaled = (t: number): Float32Array[] => w.map((a) => a.map((x) => x * (1 + t)));
    const fd = (lossAt(input.net, batch, scaled(h)) - lossAt(input.net, batch, scaled(-h))) / (2 * h);
    const p = plain(input).value;
    expect(Math.abs(p - fd)).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
    input.net.dispose();
  });

  it('grad_norm is Σ of per-layer L2 norms; snip ≥ |plain|; l2_norm is Σ of per-layer weight norms', () => {
    const input = tinyInput(ARCH);
    const g = weightGradients(input, 'cross-entropy');
    const expected = g.summed.reduce((s, t) => s + Math.hypot(...t), 0);
    expect(gradNorm(input).value).toBeCloseTo(expected, 6);
    expect(snip(input).value).toBeGreaterThanOrEqual(Math.abs(plain(input).value));
    expect(l2Norm(input.net).value).toBeCloseTo(
      input.net.weights().reduce((s, v) => s + Math.hypot(...v.dataSync()), 0),
      4,
    );
    input.net.dispose();
  });

  it('grasp uses the exact Hessian-vector product; it equals −Σ w·Hg and the weights are untouched', () => {
    const input = tinyInput(ARCH);
    const before = input.net.weights().map((v) => Array.from(v.dataSync()));
    const { weights, hg } = hessianGradientProduct(input);
    let expected = 0;
    hg.forEach((t, i) => t.forEach((v, k) => (expected -= v * ((weights[i] as Float32Array)[k] as number))));
    expect(grasp(input).value).toBeCloseTo(expected, 6);
    input.net.weights().forEach((v, i) => expect(Array.from(v.dataSync())).toEqual(before[i]));
    input.net.dispose();
  });

  it('grasp of a network whose cells are all cut off is 0 (PyTorch allow_unused), not an error', () => {
    // Node 3 never reaches the cell input: every cell outputs zeros, so no weight reaches the loss
    // through anything but zerosLike, and tf.grads would throw on the unreachable ones.
    const cut = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|none~0|none~1|none~2|'));
    const input = tinyInput(cut);
    const { hg } = hessianGradientProduct(input);
    expect(hg.every((t) => t.every((v) => v === 0))).toBe(true);
    expect(grasp(input).value).toBe(0);
    input.net.dispose();
  });

  it("a batch larger than secondOrderBatch is split as NASLib's split_data: g is the sum of the parts' gradients", () => {
    const batches = tinyBatches(8);
    const whole = tinyInput(ARCH, 'published', batches);
    const split = { ...tinyInput(ARCH, 'published', batches), secondOrderBatch: 4 };
    const unsplit = { ...tinyInput(ARCH, 'published', batches), secondOrderBatch: 8 };
    const [b] = batches as [TensorBatch];
    const halves = [0, 4].map((start) => ({ x: tf.slice(b.x, [start, 0, 0, 0], [4, -1, -1, -1]), y: tf.slice(b.y, [start], [4]) }));
    const expected = halves.map((h) => gradientsAt(split.net, h, 'cross-entropy', true));
    const g = hessianGradientProduct(split).g;
    g.forEach((t, i) => t.forEach((v, k) => expect(v).toBeCloseTo(((expected[0] as Float32Array[])[i]?.[k] as number) + ((expected[1] as Float32Array[])[i]?.[k] as number), 5)));
    // secondOrderBatch ≥ the batch: one pass, the same value as no limit; a split changes the value (own BN statistics per part).
    expect(grasp(unsplit).value).toBeCloseTo(grasp(whole).value, 6);
    expect(Math.abs(grasp(split).value - grasp(whole).value)).toBeGreaterThan(1e-6 * Math.abs(grasp(whole).value));
    for (const input of [whole, split, unsplit]) input.net.dispose();
  });

  it('reference grad_norm is the Frobenius norm of the Σ-logits gradients with eval BN', () => {
    const input = tinyInput(ARCH, 'reference');
    const g = weightGradients(input, 'sum-logits');
    const all = g.perBatch.flatMap((b) => b.flatMap((t) => Array.from(t)));
    expect(gradNorm(input).value).toBeCloseTo(Math.hypot(...all), 6);
    input.net.dispose();
  });
});

describe("second-order gradients of the backward kernels (nn's gradients/, registered by initBackend)", () => {
  beforeAll(useTestBackend);

  it('double backprop through conv (stride 2, explicit padding) and average pooling matches finite differences of the gradient', () => {
    const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [1, 1], [1, 1], [0, 0]];
    const loss = (w1: tf.Tensor, w2: tf.Tensor): tf.Scalar => {
      const h = tf.avgPool(tf.conv2d(x, w1 as tf.Tensor4D, 2, pad), 3, 1, 'same');
      const y = tf.avgPool(tf.conv2d(h, w2 as tf.Tensor4D, 1, 'valid'), 2, 2, 'valid');
      return tf.mul(0.5, tf.sum(tf.square(y))) as tf.Scalar;
    };
    const w = [tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 2), tf.randomNormal([1, 1, 4, 2], 0, 0.5, 'float32', 3)];
    const v = [tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 4), tf.randomNormal([1, 1, 4, 2], 0, 1, 'float32', 5)];
    const grad = (ws: tf.Tensor[]): tf.Tensor[] => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a, b))(ws);
    const exact = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const g = tf.grads((p: tf.Tensor, q: tf.Tensor) => loss(p, q))([a, b]);
      return tf.addN(g.map((t, i) => tf.sum(tf.mul(t, v[i] as tf.Tensor)))) as tf.Scalar;
    })(w);
    const eps = 1e-2;
    const plus = grad(w.map((t, i) => tf.add(t, tf.mul(v[i] as tf.Tensor, eps))));
    const minus = grad(w.map((t, i) => tf.sub(t, tf.mul(v[i] as tf.Tensor, eps))));
    exact.forEach((t, i) => {
      const fd = tf.div(tf.sub(plus[i] as tf.Tensor, minus[i] as tf.Tensor), 2 * eps).dataSync();
      const ex = t.dataSync();
      const scale = Math.max(...Array.from(fd).map(Math.abs));
      ex.forEach((e, k) => expect(Math.abs(e - (fd[k] as number))).toBeLessThan(2e-3 * scale));
    });
  });
});
