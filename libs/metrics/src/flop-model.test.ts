import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { metricGflop } from './flop-model';
import { METRICS, type MetricName } from './registry';
import { TINY, tinyBatches, tinyInput, useTestBackend } from './testing';
import type { Compat } from './types';

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
async function profiledGflop(metric: MetricName, compat: Compat): Promise<number> {
  const ev = METRICS[metric].evaluation;
  if (ev.kind !== 'network') throw new Error(`${metric} is not evaluated on a network`);
  const input = tinyInput(ARCH, compat, tinyBatches(BATCH));
  try {
    const info = await tf.profile(() => {
      ev.compute(input);
    });
    return (2 * info.kernels.reduce((s, k) => s + kernelMacs(k as never), 0)) / 1e9;
  } finally {
    input.net.dispose();
  }
}

describe('flop model of the metrics bench', () => {
  beforeAll(useTestBackend);

  const cases: [MetricName, Compat][] = [
    ['grad_norm', 'naslib'],
    ['snip', 'naslib'],
    ['fisher', 'naslib'],
    ['grasp', 'naslib'],
    ['synflow', 'naslib'],
    ['synflow', 'reference'],
    ['jacob_cov', 'naslib'],
    ['jacob_cov', 'reference'],
    ['epe_nas', 'naslib'],
    ['nwot', 'naslib'],
    ['zen', 'naslib'],
    ['ntk_condition', 'naslib'],
    ['ntk_condition', 'reference'],
    ['linear_regions', 'naslib'],
    ['linear_regions', 'reference'],
  ];
  it.each(cases)('%s (%s): the model is within 10%% of the conv and matmul FLOPs the backend profiled', async (metric, compat) => {
    const modelled = metricGflop(metric, ARCH, { batch: BATCH, compat, config: TINY, imageSize: 8 });
    const profiled = await profiledGflop(metric, compat);
    expect(profiled).toBeGreaterThan(0);
    expect(Math.abs(modelled - profiled) / profiled).toBeLessThan(0.1);
  });

  it('analytic metrics cost nothing; every network metric costs something on a conv architecture', () => {
    for (const metric of Object.keys(METRICS) as MetricName[]) {
      const gflop = metricGflop(metric, ARCH, { batch: 64, compat: 'naslib' });
      if (['num_params', 'flops', 'random', 'l2_norm'].includes(metric)) expect(gflop).toBe(0);
      else expect(gflop).toBeGreaterThan(0);
    }
  });
});
