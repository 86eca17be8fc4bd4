import { Rng } from '@fsnas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { crossEntropy } from './optim';

/** logits = F·W for a fixed feature matrix F; labels y. */
function problem(seed: number) {
  const rng = new Rng(seed);
  const [B, D, K] = [6, 4, 5];
  const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  return {
    B,

    f: tf.tensor2d(normal(B * D), [B, D]),
    w: tf.tensor2d(normal(D * K), [D, K]),
    v: tf.tensor2d(normal(D * K), [D, K]),
    y: tf.tensor1d(Array.from({ length: B }, (_, i) => (i * 3) % K), 'int32'),
  };
}

describe('crossEntropy', () => {
  beforeAll(() => initBackend({ backend: 'cpu', log: false }));

  it('equals −mean log softmax at the label, and its gradient is (softmax − onehot)/B', () => {
    const { B, f, w, y } = problem(1);
    const logits = tf.matMul(f, w) as tf.Tensor2D;
    const p = tf.softmax(logits).arraySync() as number[][];
    const labels = y.arraySync() as number[];
    const expected = -labels.reduce((s, c, n) => s + Math.log((p[n] as number[])[c] as number), 0) / B;
    expect(crossEntropy(logits as tf.Tensor2D, y).dataSync()[0]).toBeCloseTo(expected, 5);
    const dz = tf.grad((z: tf.Tensor) => crossEntropy(z as tf.Tensor2D, y))(logits).arraySync() as number[][];
    dz.forEach((row, n) => row.forEach((g, k) => expect(g).toBeCloseTo((((p[n] as number[])[k] as number) - (labels[n] === k ? 1 : 0)) / B, 6)));
  });

  it('can be differentiated twice: the Hessian-vector product is the softmax curvature Fᵀ[(diag p − ppᵀ)(F v)]/B', () => {
    // tfjs's logSoftmax/exp gradients read saved outputs, which a second differentiation cannot reach:
    // this product would then miss the whole curvature term (grasp's Hessian-gradient product did).
    const { B, f, w, v, y } = problem(2);
    const loss = (x: tf.Tensor): tf.Scalar => crossEntropy(tf.matMul(f, x as tf.Tensor2D), y);
    const hv = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.grad(loss)(x), v)) as tf.Scalar)(w);
    const p = tf.softmax(tf.matMul(f, w));
    const u = tf.matMul(f, v);
    const curvature = tf.sub(tf.mul(p, u), tf.mul(p, tf.sum(tf.mul(p, u), 1, true)));
    const expected = tf.div(tf.matMul(f, curvature, true, false), B);
    const got = hv.dataSync();
    expected.dataSync().forEach((e, i) => expect(got[i]).toBeCloseTo(e, 5));
  });
});
