import { Rng } from '@fsnas/core';
import { NO_FLOPS, defineMetric } from '../scoring/descriptor';

/** The no-information baseline: seeded uniform noise, whatever the architecture. */
export const randomMetric = defineMetric({
  name: 'random',
  aliases: [],
  description: 'seeded uniform noise: the no-information baseline',
  higherIsBetter: true,
  usesReference: false,
  cost: NO_FLOPS,
  evaluation: {
    kind: 'random',
    draw: (seed, count) => {
      const rng = new Rng(seed);
      return Array.from({ length: count }, () => rng.uniform());
    },
  },
});
