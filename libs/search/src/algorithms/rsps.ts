import { InvalidInputError } from '@fsnas/core';
import { ALPHA_INIT } from '../alphas';
import { uniformPath } from '../sampling';
import { plainPath, weightStep } from './common';
import type { Algorithm } from './types';

/**
 * Random search with weight sharing (Li & Talwalkar 2019): each step trains one uniformly sampled
 * single path of the mask; no architecture parameters. Derivation (derive.ts, `sampledArchSelection`)
 * scores N sampled architectures by validation accuracy with the shared weights and keeps the best.
 * The valid batch of the step is unused.
 */
export const rsps: Algorithm = {
  name: 'rsps',
  alphaInit: ALPHA_INIT.none,
  step(ctx, train) {
    if (ctx.compat === 'reference') throw new InvalidInputError('rsps has no reference variant (the paper did not run it)');
    return weightStep(ctx, train, () => plainPath(uniformPath(ctx.rng, ctx.model.mask)));
  },
  evalSpec: (ctx) => plainPath(uniformPath(ctx.rng, ctx.model.mask)),
  deriveBySampling: true,
};
