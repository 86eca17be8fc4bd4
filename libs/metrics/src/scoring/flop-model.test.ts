import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { metricGflop } from './flop-model';
import { METRIC_NAMES, METRICS, type MetricName } from './registry';
import { TINY, tinyBatches, tinyInput, useTestBackend } from '../testing';
import type { Fidelity } from '@fsnas/core';

const ARCH = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));
const BATCH = 8;

/** Multiply-accumulates of one profiled kernel, from its tensor shapes; 0 for kernels that are not convolutions or matmuls. */
function kernelMacs(k: { name: string; inputShapes: (number[] | null)[]; outputShapes: (number[] | null)[] }): number {
  const size = (s: number[] | null | undefined): number => (s ?? []).reduce((a, b) => a * b, 1);
  const [a, b] = k.inputShapes;
  const out = k.outputShapes[0] ?? [];
  switch (k.name) {
    case 'Conv2D':
    case 'FusedConv2D':
      // output elements × (kh·kw·cin) = output elements × filter size / cout
      return (size(out) * size(b)) / (b?.[3] ?? 1);
    case 'Conv2DBackpropInput':
      // inputs dy and the filter: dy elements × kh·kw·cin
      return (size(a) * size(b)) / (b?.[3] ?? 1);
    case 'Conv2DBackpropFilter':
      // inputs x and dy, output the filter: dy elements × kh·kw·cin
      return (size(b) * size(out)) / (out[3] ?? 1);
    case 'BatchMatMul':
    case '_FusedMatMul':
      // BN's per-channel sums on wasm are ones[1,M]·X[M,C] products (libs/nn tuning): BN is not in the model.
      if (a && a.slice(0, -1).every((d) => d === 1)) return 0;
      // output elements × the inner dimension (= size(a)·n / size(out), whichever side is transposed)
      return size(a) * (out[out.length - 1] ?? 1);
    default:
      return 0;
  }
}

/** GFLOP that the backend actually ran for one metric evaluation (2 × conv and matmul MACs). */
async function profiledGflop(metric: MetricName, fidelity: Fidelity): Promise<number> {
  const ev = METRICS[metric].evaluation;
  if (ev.kind !== 'network' && ev.kind !== 'pairwise') throw new Error(`${metric} is not evaluated on a network`);
  const input = tinyInput(ARCH, fidelity, tinyBatches(BATCH));
  try {
    const info = await tf.profile(() => {
      // A pairwise metric's cost is that of one candidate's summary.
      if (ev.kind === 'network') ev.compute(input);
      else ev.summarise(input);
    });
    return (2 * info.kernels.reduce((s, k) => s + kernelMacs(k as never), 0)) / 1e9;
  } finally {
    input.net.dispose();
  }
}

describe('flop model of the metrics bench', () => {
  beforeAll(useTestBackend);

  // Every metric that runs a network, so a new one is checked without editing this list (l2_norm only reads
  // its weights); and the reference variants whose cost differs.
  const FREE_NETWORK_METRICS: readonly MetricName[] = ['l2_norm'];
  const onNetwork = METRIC_NAMES.filter((m) => METRICS[m].evaluation.kind === 'network' || METRICS[m].evaluation.kind === 'pairwise');
  const cases: [MetricName, Fidelity][] = [
    ...onNetwork.filter((m) => !FREE_NETWORK_METRICS.includes(m)).map((m): [MetricName, Fidelity] => [m, 'published']),
    ['synflow', 'reference'],
    ['jacob_cov', 'reference'],
    ['ntk_condition', 'reference'],
    ['linear_regions', 'reference'],
  ];
  it('checks the cost of every metric that runs a network (published fidelity)', () => {
    expect(cases.filter(([, c]) => c === 'published').map(([m]) => m)).toEqual(expect.arrayContaining(['grad_norm', 'snip', 'plain', 'fisher', 'grasp', 'synflow', 'jacob_cov', 'epe_nas', 'nwot', 'zen', 'ntk_condition', 'linear_regions', 'gradient_matching']));
  });
  it.each(cases)('%s (%s): the model is within 10%% of the conv and matmul FLOPs the backend profiled', async (metric, fidelity) => {
    const modelled = metricGflop(metric, ARCH, { batch: BATCH, fidelity, config: TINY, imageSize: 8 });
    const profiled = await profiledGflop(metric, fidelity);
    expect(profiled).toBeGreaterThan(0);
    expect(Math.abs(modelled - profiled) / profiled).toBeLessThan(0.1);
  });

  it('analytic metrics cost nothing; every network metric costs something on a conv architecture', () => {
    for (const metric of Object.keys(METRICS) as MetricName[]) {
      const gflop = metricGflop(metric, ARCH, { batch: 64, fidelity: 'published' });
      if (['num_params', 'flops', 'random', 'l2_norm'].includes(metric)) expect(gflop).toBe(0);
      else expect(gflop).toBeGreaterThan(0);
    }
  });
});
