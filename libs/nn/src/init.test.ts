import { InvalidInputError } from '@fsnas/core';
import { Mask } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { applyNetworkInit, buildScheme, parseNetworkInit } from './init';
import { NB201Network } from './network';

const TINY = { C: 4, N: 1 };

describe('network inits', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('pytorch_default draws U(±1/√fan_in) for conv/linear weights and the classifier bias, seeded', () => {
    const net = new NB201Network(Mask.full(), { ...TINY, seed: 0, init: buildScheme('pytorch_default') });
    applyNetworkInit(net, parseNetworkInit('pytorch_default'), 4);
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
    applyNetworkInit(again, 'pytorch_default', 4);
    expect(Array.from(again.weights()[3]?.dataSync() ?? [])).toEqual(Array.from(net.weights()[3]?.dataSync() ?? []));
    net.dispose();
    again.dispose();
  });

  it('a build scheme is built as it is and not redrawn', () => {
    const built = new NB201Network(Mask.full(), { ...TINY, seed: 3, init: 'normal' });
    const same = new NB201Network(Mask.full(), { ...TINY, seed: 3, init: buildScheme('normal') });
    applyNetworkInit(same, 'normal', 3);
    built.params.entries().forEach((e, i) => expect(Array.from(same.params.entries()[i]?.variable.dataSync() ?? [])).toEqual(Array.from(e.variable.dataSync())));
    built.dispose();
    same.dispose();
  });

  it('refuses an unknown init, naming it', () => {
    expect(() => parseNetworkInit('xavier')).toThrow(InvalidInputError);
    expect(() => parseNetworkInit('xavier')).toThrow(/init must be one of kaiming_normal_fanin, kaiming_normal_fanout, normal, pytorch_default, got 'xavier'/);
  });
});
