import { Rng } from '@fsnas/core';
import { Mask, parseArch } from '@fsnas/nb201';
import { NB201Network, crossEntropy, engineBuild, initBackend, tf, type BackendName } from '@fsnas/nn';
import { afterAll, describe, expect, it } from 'vitest';
import { gaussianBatchSource } from '../scoring/data';
import { createEdgeMetric } from '../scoring/edge';
import { METRIC_NAMES, METRICS, type MetricName } from '../scoring/registry';
import { scoreArchitectures, type MetricSettings } from '../scoring/score';
import type { Fidelity } from '@fsnas/core';

/**
 * Every zero-cost metric of the registry that computes on a network, on tfjs-node (TensorFlow 2.18)
 * against wasm: same seeded weights (drawn in JS, identical float32 on every backend), same seeded
 * batch, both fidelities (NASLib's definitions with train BN; the reference's, eval BN), on a small
 * network (C=8, N=1, 16×16 images, batch 8) and two architectures. gradient_matching, which is
 * pairwise only, is compared through its edge matrix on one split node.
 * Error = |node − wasm| / |wasm| (a cosine matrix: the largest absolute difference).
 * The measured maxima are recorded in docs/decisions/0009-tfjs-backends.md.
 */
const built = engineBuild('node').manifest !== undefined;

/**
 * Stated tolerances per metric (relative error), about 100× the maxima measured on this network.
 * float32 on both sides, different summation orders (oneDNN vs XNNPACK). Counting metrics
 * (linear_regions, nwot's ReLU codes) are exact unless an activation sits within rounding of 0;
 * plain (a signed sum that cancels) and grasp (a Hessian-vector product) amplify rounding the most.
 */
const TOL: Readonly<Record<Exclude<MetricName, 'num_params' | 'flops' | 'random'>, number>> = {
  grad_norm: 1e-6,
  snip: 1e-5,
  synflow: 1e-6,
  jacob_cov: 1e-5,
  nwot: 1e-6,
  gradient_matching: 1e-5,
  grasp: 1e-4,
  fisher: 1e-5,
  ntk_condition: 1e-4,
  linear_regions: 0,
  l2_norm: 1e-6,
  plain: 5e-4,
  zen: 1e-5,
  epe_nas: 1e-6,
};

const SECOND_ORDER_TOL = 1e-4;

const NETWORK_METRICS = METRIC_NAMES.filter((m) => METRICS[m].evaluation.kind === 'network');
const ARCHS = ['|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|', '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|'].map(parseArch);

function settings(fidelity: Fidelity): MetricSettings {
  return { fidelity, batchSize: 8, network: { C: 8, N: 1 }, source: gaussianBatchSource(16, 16), seed: 5 };
}

async function scores(backend: BackendName, fidelity: Fidelity): Promise<Map<MetricName, number[]>> {
  await initBackend({ backend, log: false });
  const out = new Map<MetricName, number[]>();
  for (const s of scoreArchitectures(ARCHS, NETWORK_METRICS, settings(fidelity))) {
    for (const m of NETWORK_METRICS) out.set(m, [...(out.get(m) ?? []), s.values[m]?.value ?? Number.NaN]);
  }
  return out;
}

async function gmMatrix(backend: BackendName, fidelity: Fidelity): Promise<number[]> {
  await initBackend({ backend, log: false });
  const parent = Mask.full().restrict(1, [0, 2, 3]).restrict(2, [3]);
  const candidates = [0, 2, 3].map((op) => parent.restrict(1, [op]));
  const res = await createEdgeMetric('gradient_matching', settings(fidelity)).evaluateEdge({ candidates, parent, edge: 1, seed: 0 });
  return res.matrix.flat();
}

function relErr(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-30);
}

const measured = new Map<string, number>();

describe.skipIf(!built)('tfjs-node vs wasm: every network metric on the same weights and batch', () => {
  afterAll(async () => {
    const lines = [...measured].map(([k, e]) => `  ${k.padEnd(30)} ${e.toExponential(2)}`);
    if (lines.length) process.stderr.write(`metric backend parity (max relative error):\n${lines.join('\n')}\n`);
    await initBackend({ backend: 'wasm', log: false });
  });

  // grasp's second-order pass runs through a hooked (module-by-module) forward; this one differentiates
  // the default forward's train-mode BN op, which on tfjs-node must then leave its fused gradient kernel.
  it(`H·v by double backprop through NB201Network's train-mode BN: node vs wasm ≤ ${SECOND_ORDER_TOL}`, async () => {
    const node = await hessianVector('node');
    const wasm = await hessianVector('wasm');
    let num = 0;
    let den = 0;
    node.hv.forEach((a, t) => a.forEach((v, i) => {
      num = Math.max(num, Math.abs(v - (wasm.hv[t]?.[i] as number)));
      den = Math.max(den, Math.abs(wasm.hv[t]?.[i] as number));
    }));
    measured.set('H·v, nn train BN (naslib)', num / den);
    expect(relErr(node.gv, wasm.gv)).toBeLessThanOrEqual(SECOND_ORDER_TOL);
    expect(num / den).toBeLessThanOrEqual(SECOND_ORDER_TOL);
  });

  for (const fidelity of ['published', 'reference'] as const) {
    it(`${fidelity}: ${NETWORK_METRICS.join(', ')} within each metric's stated tolerance`, async () => {
      const node = await scores('node', fidelity);
      const wasm = await scores('wasm', fidelity);
      const failures: string[] = [];
      for (const m of NETWORK_METRICS) {
        const a = node.get(m) as number[];
        const b = wasm.get(m) as number[];
        const e = Math.max(...a.map((v, i) => relErr(v, b[i] as number)));
        measured.set(`${m} (${fidelity})`, e);
        const tol = TOL[m as keyof typeof TOL];
        if (!(e <= tol)) failures.push(`${m}: node ${a.join(', ')} vs wasm ${b.join(', ')} (error ${e.toExponential(2)} > ${tol})`);
      }
      expect(failures).toEqual([]);
    });

    it(`${fidelity}: gradient_matching's cosine matrix within ${TOL.gradient_matching} (absolute)`, async () => {
      const node = await gmMatrix('node', fidelity);
      const wasm = await gmMatrix('wasm', fidelity);
      const e = Math.max(...node.map((v, i) => Math.abs(v - (wasm[i] as number))));
      measured.set(`gradient_matching (${fidelity})`, e);
      expect(node.some((v) => v !== 0)).toBe(true);
      expect(e).toBeLessThanOrEqual(TOL.gradient_matching);
    });
  }
});

describe.skipIf(built)('tfjs-node metric parity', () => {
  it.skip('skipped: tfjs-node is not built here (engineBuild("node").manifest is absent; `npm run setup` builds it, CI always does)', () => {});
});

/**
 * g·v and H·v = ∂(g·v)/∂W over the conv weights (g = ∂L/∂W, v a fixed random direction) on a small
 * supernet in train mode, through NB201Network.forward.
 */
async function hessianVector(backend: BackendName): Promise<{ gv: number; hv: Float32Array[] }> {
  await initBackend({ backend, log: false });
  const net = new NB201Network(Mask.full(), { C: 4, N: 1, seed: 3 });
  const rng = new Rng(11);
  const x = tf.tensor4d(Float32Array.from({ length: 4 * 8 * 8 * 3 }, () => rng.normal()), [4, 8, 8, 3]);
  const y = tf.tensor1d([1, 4, 7, 2], 'int32');
  const ws = net.weights();
  const v = ws.map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.normal()), w.shape));
  try {
    const { value, grads } = tf.variableGrads(() => {
      const inner = tf.variableGrads(() => crossEntropy(net.forward(x, { training: true, updateStats: false, checkpoint: false }).logits, y), ws).grads;
      return tf.addN(ws.map((w, i) => tf.sum(tf.mul(inner[w.name] as tf.Tensor, v[i] as tf.Tensor)))) as tf.Scalar;
    }, ws);
    const out = { gv: value.dataSync()[0] as number, hv: ws.map((w) => (grads[w.name] as tf.Tensor).dataSync() as Float32Array) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  } finally {
    tf.dispose([x, y, ...v]);
    net.dispose();
  }
}
