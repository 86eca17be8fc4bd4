import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { gaussianBatchSource } from './data';
import { createEdgeMetric } from './edge';
import { combineHybrid, orientedRanks, parseHybrid, scoreHybrid } from './hybrid';
import { TINY, useTestBackend } from '../testing';

describe('hybrid metrics', () => {
  beforeAll(useTestBackend);

  it('parses specs, normalises weights and resolves aliases', () => {
    expect(parseHybrid('hybrid:snip+jacov').name).toBe('hybrid:0.5*snip+0.5*jacob_cov');
    expect(parseHybrid('hybrid:3*synflow+1*params').components).toEqual([
      { metric: 'synflow', weight: 0.75 },
      { metric: 'num_params', weight: 0.25 },
    ]);
    expect(() => parseHybrid('hybrid:snip+snip')).toThrow(/repeats/);
    expect(() => parseHybrid('hybrid:gradient_matching')).toThrow(/per-network/);
    expect(() => parseHybrid('hybrid:-1*snip')).toThrow();
  });

  it('combines oriented ranks: ntk_condition (lower is better) is reversed', () => {
    expect(Array.from(orientedRanks([3, 1, 2], true))).toEqual([1, 1 / 3, 2 / 3]);
    expect(Array.from(orientedRanks([3, 1, 2], false))).toEqual([1 / 3, 1, 2 / 3]);
    const h = parseHybrid('hybrid:snip+ntk');
    // snip ranks 1/3,2/3,1 ; ntk (reversed) ranks 1/3,2/3,1 → agreeing metrics keep the order
    expect(combineHybrid(h, { snip: [1, 2, 3], ntk_condition: [30, 20, 10] })).toEqual([1 / 3, 2 / 3, 1]);
  });

  it('scores architectures and evaluates split nodes', async () => {
    const archs = ['|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|', '|skip_connect~0|+|none~0|skip_connect~1|+|none~0|none~1|skip_connect~2|'].map(parseArch);
    const r = scoreHybrid(archs, 'hybrid:params+flops', { network: TINY });
    expect(r.values).toEqual([1, 0.5]);
    const parent = Mask.full();
    const candidates = [0, 3].map((op) => parent.restrict(0, [op]));
    const e = await createEdgeMetric('hybrid:params+synflow', { network: TINY, batchSize: 2, source: gaussianBatchSource(8, 8) }).evaluateEdge({ candidates, parent, edge: 0, seed: 0 });
    expect(e.kind).toBe('distance');
    expect(e.values).toEqual([0.5, 1]);
  });
});
