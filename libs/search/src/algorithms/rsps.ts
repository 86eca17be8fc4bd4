import { InvalidInputError } from '@fsnas/core';
import { ALPHA_INIT } from '../alphas';
import { sampledArchSelection } from '../derive';
import { uniformPath } from '../sampling';
import { plainPath, weightStep } from './common';
import { defineAlgorithm } from './types';

export interface RspsOptions {
  /** Architectures sampled and scored per derivation (the paper: 100; smaller budgets score fewer). */
  readonly archs: number;
}

/**
 * Random search with weight sharing (Li & Talwalkar 2019): each step trains one uniformly sampled
 * single path of the mask; no architecture parameters. Derivation (derive.ts, `sampledArchSelection`)
 * scores `archs` sampled architectures by validation accuracy with the shared weights and keeps the best.
 * The valid batch of the step is unused.
 */
export const rsps = defineAlgorithm({
  name: 'rsps',
  title: 'RSPS',
  defaults: { archs: 100 },
  // The paper did not run RSPS.
  reference: null,
  create: (options: RspsOptions) => {
    if (!Number.isInteger(options.archs) || options.archs < 1) throw new InvalidInputError(`rsps archs must be a positive integer, got ${options.archs}`);
    return {
      alphaInit: ALPHA_INIT.none,
      step: (ctx, train) => weightStep(ctx, train, () => plainPath(uniformPath(ctx.rng, ctx.model.mask))),
      evalSpec: (ctx) => plainPath(uniformPath(ctx.rng, ctx.model.mask)),
      derive(model, selection, rng) {
        const sel = sampledArchSelection(model, selection, options.archs, rng);
        return { arch: sel.arch, message: `sampled-architecture selection: best of ${sel.evaluated}, valid acc ${sel.acc.toFixed(4)}` };
      },
    };
  },
});
