import { Rng } from '@fsnas/core';
import { Mask } from '@fsnas/nb201';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend, tf, type BackendName } from './backend';
import { engineBuild } from './engine';
import { NB201Network } from './network';
import { overrideBackendTuning } from './tuning';
import { crossEntropy } from './optim';
import { maxRelError } from './testing';

/**
 * tfjs-node (TensorFlow 2.18, oneDNN) against wasm and the pure-JS cpu backend on the same weights
 * (same seed: the init draws are made in JS, so every backend starts from identical float32 values)
 * and the same batch: the loss and every parameter gradient of a small masked supernet (C=8, N=1,
 * 16×16 images, batch 8), in train mode (batch-statistics BN, the supernet training path) and eval
 * mode (running-statistics BN, the metric path), plain and with one-shot edge weights.
 * Error of a tensor = max|a − b| / max|b|; the reported figure is the maximum over the 200+ tensors.
 * The measured maxima are recorded in docs/decisions/0009-tfjs-backends.md.
 */
const built = engineBuild('node').manifest !== undefined;

/** Stated tolerances (max relative error): float32 everywhere, different summation orders. */
const TOL = { loss: 1e-5, grads: 5e-5 } as const;
/**
 * A reference gradient below ZERO × the largest gradient entry is mathematically zero and holds
 * rounding noise (β of the BNs summed into the last cell's output, which the train-mode last BN
 * centres again): there the other backend must be below the same floor (error ≤ 0 means it is).
 */
const ZERO = 1e-6;

interface Pass {
  loss: number;
  grads: Map<string, Float32Array>;
}

const CFG = { C: 8, N: 1, classes: 10 };
const BATCH = 8;
const SIZE = 16;

async function pass(backend: BackendName, training: boolean, edgeWeights: boolean, seed = 3, batch = BATCH, size = SIZE): Promise<Pass> {
  await initBackend({ backend, log: false });
  const net = new NB201Network(Mask.full(), { ...CFG, seed });
  const rng = new Rng(11);
  const x = tf.tensor4d(Float32Array.from({ length: batch * size * size * 3 }, () => rng.normal()), [batch, size, size, 3]);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => (3 * i) % CFG.classes), 'int32');
  const alpha = edgeWeights ? tf.variable(tf.tensor2d(Float32Array.from({ length: 30 }, () => 1e-1 * rng.normal()), [6, 5]), true, `alpha-${backend}`) : undefined;
  try {
    const entries = net.params.entries();
    const vars = [...entries.map((e) => e.variable), ...(alpha ? [alpha] : [])];
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, { training, updateStats: false, ...(alpha ? { edgeWeights: tf.softmax(alpha) as tf.Tensor2D } : {}) }).logits, y), vars);
    const out: Pass = { loss: value.dataSync()[0] as number, grads: new Map() };
    for (const e of entries) out.grads.set(e.name, (grads[e.variable.name] as tf.Tensor).dataSync() as Float32Array);
    if (alpha) out.grads.set('alpha', (grads[alpha.name] as tf.Tensor).dataSync() as Float32Array);
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    tf.dispose([x, y]);
    alpha?.dispose();
    net.dispose();
  }
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function compare(a: Pass, b: Pass): { loss: number; grads: number; worst: string } {
  expect([...a.grads.keys()].sort()).toEqual([...b.grads.keys()].sort());
  let scale = 0;
  for (const g of b.grads.values()) for (const v of g) scale = Math.max(scale, Math.abs(v));
  let grads = 0;
  let worst = '';
  for (const [name, ga] of a.grads) {
    const gb = b.grads.get(name) as Float32Array;
    const e = maxAbs(gb) <= ZERO * scale ? maxAbs(ga) / (ZERO * scale) - 1 : maxRelError(ga, gb);
    if (e > grads) [grads, worst] = [e, name];
  }
  return { loss: Math.abs(a.loss - b.loss) / Math.abs(b.loss), grads, worst };
}

const rows: string[] = [];

describe.skipIf(!built)('tfjs-node vs wasm and cpu: supernet loss and parameter gradients on the same weights and batch', () => {
  afterAll(async () => {
    if (rows.length) process.stderr.write(`backend parity (max relative error over all tensors):\n${rows.join('\n')}\n`);
    await initBackend({ backend: 'wasm', log: false });
  });

  for (const [mode, training, edgeWeights] of [
    ['train BN', true, false],
    ['eval BN', false, false],
    ['train BN, edge weights softmax(α)', true, true],
  ] as const) {
    it(`${mode}: node vs wasm ≤ ${TOL.grads} on every gradient, ≤ ${TOL.loss} on the loss`, async () => {
      const node = await pass('node', training, edgeWeights);
      const wasm = await pass('wasm', training, edgeWeights);
      const e = compare(node, wasm);
      rows.push(`  ${mode.padEnd(36)} node/wasm  loss ${e.loss.toExponential(2)}  grads ${e.grads.toExponential(2)} (${e.worst})`);
      expect(e.loss).toBeLessThanOrEqual(TOL.loss);
      expect(e.grads).toBeLessThanOrEqual(TOL.grads);
      if (edgeWeights) expect(maxRelError(node.grads.get('alpha') as Float32Array, wasm.grads.get('alpha') as Float32Array)).toBeLessThanOrEqual(TOL.grads);
    });
  }

  // The pure-JS reference is ~20× slower than wasm: a quarter of the pixels and half the batch.
  it(`eval BN: node vs cpu ≤ ${TOL.grads} (the pure-JS reference; batch 4, 8×8 images)`, async () => {
    const node = await pass('node', false, false, 3, 4, 8);
    const cpu = await pass('cpu', false, false, 3, 4, 8);
    const e = compare(node, cpu);
    rows.push(`  ${'eval BN'.padEnd(36)} node/cpu   loss ${e.loss.toExponential(2)}  grads ${e.grads.toExponential(2)} (${e.worst})`);
    expect(e.loss).toBeLessThanOrEqual(TOL.loss);
    expect(e.grads).toBeLessThanOrEqual(TOL.grads);
  });

  it(`tfjs-node's own choices (fused BN, ReluGrad, reduce sums, shared Identity) vs the wasm-style graph on tfjs-node ≤ ${TOL.grads}`, async () => {
    const tuned = await pass('node', true, false);
    overrideBackendTuning('tensorflow', { channelSum: 'matmul', nativeReluGrad: false, sharingIdentity: false, nativeBatchNorm: false });
    try {
      const plain = await pass('node', true, false);
      const e = compare(tuned, plain);
      rows.push(`  ${'train BN, tuned vs wasm-style graph'.padEnd(36)} node/node  loss ${e.loss.toExponential(2)}  grads ${e.grads.toExponential(2)} (${e.worst})`);
      expect(e.loss).toBeLessThanOrEqual(TOL.loss);
      expect(e.grads).toBeLessThanOrEqual(TOL.grads);
    } finally {
      overrideBackendTuning('tensorflow', undefined);
    }
  });

  it('the comparison can fail: other weights (seed 4 instead of 3) are far outside the tolerance', async () => {
    const base = await pass('node', true, false);
    const other = await pass('node', true, false, 4);
    expect(compare(other, base).grads).toBeGreaterThan(100 * TOL.grads);
  });
});

describe.skipIf(built)('tfjs-node parity', () => {
  it.skip('skipped: tfjs-node is not built here (engineBuild("node").manifest is absent; `npm run setup` builds it, CI always does)', () => {});
});

