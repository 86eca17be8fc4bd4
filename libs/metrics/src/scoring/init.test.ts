import { beforeAll, describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { NB201Network } from '@fsnas/nn';
import { buildMetricNetwork, resolveSettings } from './score';
import { TINY, useTestBackend } from '../testing';

describe('metric weight inits', () => {
  beforeAll(useTestBackend);

  const mask = Mask.full().restrict(1, [0, 3]);
  const settings = (fidelity: 'published' | 'reference', init?: 'normal') => resolveSettings({ fidelity, ...(init ? { init } : {}), network: TINY, seed: 6, source: () => [] });
  const values = (net: NB201Network) => net.params.entries().map((e) => Array.from(e.variable.dataSync()));

  it('reference mode, or an init the settings name, builds the seeded network of that scheme', () => {
    for (const [s, init] of [[settings('reference'), 'kaiming_normal_fanin'], [settings('published', 'normal'), 'normal']] as const) {
      expect(s.init).toBe(init);
      const net = buildMetricNetwork(mask, s);
      const expected = new NB201Network(mask, { ...TINY, seed: 6, init });
      expect(values(net)).toEqual(values(expected));
      net.dispose();
      expected.dispose();
    }
  });

  it('the published fidelity starts from pytorch_default: every conv/linear weight and the classifier bias within ±1/√fan_in', () => {
    const s = settings('published');
    expect(s.init).toBe('pytorch_default');
    const net = buildMetricNetwork(mask, s);
    for (const e of net.params.entries()) {
      const shape = e.variable.shape;
      const v = Array.from(e.variable.dataSync());
      if (e.kind === 'bias') expect(v.some((x) => x !== 0)).toBe(true);
      if (e.kind !== 'conv' && e.kind !== 'linear' && e.kind !== 'bias') continue;
      const fanIn = e.kind === 'conv' ? (shape[0] as number) * (shape[1] as number) * (shape[2] as number) : e.kind === 'linear' ? (shape[0] as number) : 16;
      expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
    }
    net.dispose();
  });
});
