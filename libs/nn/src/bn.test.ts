import { Rng } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { BN_EPS, batchNorm } from './bn';

/** Plain autodiff train-mode BN (tf.moments): differentiable any number of times, the reference. */
function plainBn(x: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), g), b);
}

function random(shape: number[], rng: Rng): tf.Tensor {
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => rng.normal()), shape);
}

/** H·v of L(x) = Σ w ⊙ BN(x)² by double backprop: ∂/∂x (Σ v ⊙ ∂L/∂x). */
function hessianVector(bn: (x: tf.Tensor4D) => tf.Tensor4D, x: tf.Tensor4D, w: tf.Tensor, v: tf.Tensor): number[] {
  return tf.tidy(() => {
    const loss = (xi: tf.Tensor): tf.Scalar => tf.sum(tf.mul(w, tf.square(bn(xi as tf.Tensor4D))));
    const z = (xi: tf.Tensor): tf.Scalar => tf.sum(tf.mul(tf.grad(loss)(xi), v));
    return Array.from(tf.grad(z)(x).dataSync());
  });
}

describe('train-mode batchNorm differentiated twice', () => {
  // Its saved batch statistics are made inside the custom op, out of the tape's sight: the recorded
  // backward must recompute them from x, or H·v loses the terms through μ(x) and σ²(x).
  it.each(['wasm', 'node'] as const)('%s: H·v equals plain autodiff through tf.moments', async (backend) => {
    await initBackend({ backend, log: false });
    const rng = new Rng(7);
    const shape = [4, 3, 3, 5];
    const [x, w, v] = [random(shape, rng) as tf.Tensor4D, random(shape, rng), random(shape, rng)];
    const g = tf.tensor1d([0.5, 1, 1.5, 2, -1]);
    const b = tf.tensor1d([0.1, -0.2, 0.3, 0, 0.5]);
    const ours = hessianVector((xi) => batchNorm(xi, { gamma: g as tf.Variable, beta: b as tf.Variable, runningMean: tf.variable(tf.zeros([5])), runningVar: tf.variable(tf.ones([5])) }, true, false), x, w, v);
    const ref = hessianVector((xi) => plainBn(xi, g, b), x, w, v);
    const scale = Math.max(...ref.map(Math.abs));
    ours.forEach((o, i) => expect(Math.abs(o - (ref[i] as number))).toBeLessThan(1e-4 * scale));
    tf.dispose([x, w, v, g, b]);
    await initBackend({ backend: 'wasm', log: false });
  });
});
