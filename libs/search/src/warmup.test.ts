import { Mask } from '@fsnas/nb201';
import { NB201Network } from '@fsnas/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomData, useWasm } from './testing';
import { warmupSupernet } from './warmup';

const weightsOf = (net: NB201Network): number[] => net.params.entries().flatMap((p) => Array.from(p.variable.dataSync()));

describe('warm-up between split levels', () => {
  beforeAll(useWasm);

  it('trains the sub-supernet (smoke budget), is seeded, and continues from the parent weights when given', async () => {
    const data = randomData(64, 8, 3);
    const mask = Mask.full().restrict(0, [1, 3]);
    const warm = (seed: number, from?: NB201Network) => warmupSupernet({ mask, budget: 'smoke', data, seed, progress: false, ...(from ? { from } : {}) });
    const a = await warm(1);
    const again = await warm(1);
    try {
      expect(a.config).toMatchObject({ C: 4, N: 1 });
      expect(weightsOf(again)).toEqual(weightsOf(a));
      // Continuing from a parent: without `from` the child would equal `a` (same seed, same data).
      const parent = await warm(2);
      const child = await warm(1, parent);
      expect(weightsOf(child)).not.toEqual(weightsOf(a));
      for (const n of [parent, child]) n.dispose();
    } finally {
      for (const n of [a, again]) n.dispose();
    }
  });
});
