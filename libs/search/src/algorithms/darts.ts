import { addInto, alphaGradient, dartsSpec, weightStep } from './common';
import { ALPHA_INIT } from '../alphas';
import type { Batch, SearchModel } from '../supernet';
import { defineAlgorithm } from './types';

/**
 * DARTS, first order (Liu et al. 2019): edge weights = masked softmax(α); the weights step on the
 * train loss, then α steps on ∇α L_val(w_{t+1}, α).
 *
 * Fidelity `reference` (docs/reference.md §9.11): the reference never zeroes α.grad between the weight backward and the
 * arch backward, so α moves along ∇α L_train(w_t) + ∇α L_val(w_{t+1}).
 */
export const darts = defineAlgorithm({
  name: 'darts',
  title: 'DARTS',
  defaults: {},
  reference: 'docs/reference.md §9.11: α.grad keeps the weight step\'s ∇α L_train',
  create: () => ({
    alphaInit: ALPHA_INIT.darts,
    step(ctx, train, valid) {
      const reference = ctx.fidelity === 'reference';
      const w = weightStep(ctx, train, () => dartsSpec(ctx.model), reference);
      const g = dartsArchGradient(ctx.model, valid);
      ctx.applyArchGrad(w.alphaGrad ? addInto(w.alphaGrad, g) : g);
      return w;
    },
    evalSpec: (ctx) => dartsSpec(ctx.model),
  }),
});

/** ∇α L_val(w, α) for the DARTS relaxation. */
export function dartsArchGradient(model: SearchModel, valid: Batch): Float32Array {
  return alphaGradient(model, valid, () => dartsSpec(model)).grad;
}
