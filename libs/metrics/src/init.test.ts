import { beforeAll, describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { NB201Network } from '@fsnas/nn';
import { applyMetricInit, parseMetricInit } from './init';
import { TINY, useTestBackend } from './testing';

describe('metric weight inits', () => {
  beforeAll(useTestBackend);

  it("pytorch_default draws U(±1/√fan_in) for conv/linear weights and the classifier bias, seeded", () => {
    const net = new NB201Network(Mask.full(), { ...TINY, seed: 0 });
    applyMetricInit(net, parseMetricInit('pytorch_default'), 4);
    for (const e of net.params.entries()) {
      const v = Array.from(e.variable.dataSync());
      const s = e.variable.shape;
      if (e.kind === 'conv' || e.kind === 'linear' || e.kind === 'bias') {
        const fanIn = e.kind === 'conv' ? (s[0] as number) * (s[1] as number) * (s[2] as number) : e.kind === 'linear' ? (s[0] as number) : 16;
        const bound = 1 / Math.sqrt(fanIn);
        expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
        if (v.length >= 200) {
          const sd = Math.sqrt(v.reduce((a, x) => a + x * x, 0) / v.length);
          expect(sd / (bound / Math.sqrt(3))).toBeGreaterThan(0.85);
          expect(sd / (bound / Math.sqrt(3))).toBeLessThan(1.15);
        }
      } else if (e.kind === 'bn-gamma') expect(new Set(v)).toEqual(new Set([1]));
    }
    const again = new NB201Network(Mask.full(), { ...TINY, seed: 9 });
    applyMetricInit(again, 'pytorch_default', 4);
    expect(Array.from(again.weights()[3]?.dataSync() ?? [])).toEqual(Array.from(net.weights()[3]?.dataSync() ?? []));
    net.dispose();
    again.dispose();
    expect(() => parseMetricInit('xavier')).toThrow(/init must be/);
  });
});
