import { tf } from '@fsnas/nn';
import { ALPHA_INIT } from '../alphas';
import type { Batch, SearchModel } from '../supernet';
import { alphaGradient, dartsSpec, lossAndGrads, takeAlphaGrad, weightStep } from './common';
import { defineAlgorithm, type StepContext } from './types';

export interface Darts2Options {
  /** ε numerator of the finite-difference Hessian-vector product (0.01; the reference variant uses 0.001). */
  readonly epsilon: number;
}

/**
 * DARTS, second order: α follows the unrolled hypergradient
 *   ∇α L_val(w', α) − ξ ∇²_{α,w} L_train(w, α) ∇_{w'} L_val(w', α),  w' = w − ξ ∇w L_train(w, α),
 * with ξ = the current weight LR and the Hessian-vector product by central finite differences,
 * ε = 0.01 / ‖∇_{w'} L_val‖ (DARTS paper §2.3). w' is the plain gradient step (no momentum, no weight
 * decay), as the brief defines it.
 *
 * Fidelity `reference` (docs/reference.md §9.12): ξ = 0.01 fixed, w' = w − ξ(m + ∇w L_train + wd·w) with the raw momentum
 * buffer m, ε = 0.001/‖g‖; the hypergradient then *overwrites* α's values and Adam steps with the
 * stale ∇α L_train(w_t) left from the weight backward.
 */
export const darts2 = defineAlgorithm({
  name: 'darts2',
  title: 'DARTS-2nd',
  defaults: { epsilon: 0.01 },
  reference: 'docs/reference.md §9.12: fixed ξ, momentum in the virtual step, α overwritten by the hypergradient',
  create: (options: Darts2Options) => ({
    alphaInit: ALPHA_INIT.darts,
    step(ctx, train, valid) {
      const reference = ctx.fidelity === 'reference';
      const w = weightStep(ctx, train, () => dartsSpec(ctx.model), reference);
      if (!reference) {
        ctx.applyArchGrad(unrolledArchGradient(ctx.model, train, valid, { xi: ctx.lr, epsilon: options.epsilon }));
      } else {
        const hyper = unrolledArchGradient(ctx.model, train, valid, {
          xi: 0.01,
          epsilon: 0.001,
          momentum: (name) => ctx.momentumOf(name),
          weightDecay: 3e-4,
        });
        ctx.model.setAlpha(hyper);
        ctx.applyArchGrad(w.alphaGrad as Float32Array);
      }
      return w;
    },
    evalSpec: (ctx) => dartsSpec(ctx.model),
  }),
});

export interface UnrolledOptions {
  readonly xi: number;
  /** ε = epsilon / ‖∇_{w'} L_val‖. */
  readonly epsilon: number;
  /** Reference variant only: the raw momentum buffer added to the virtual step. */
  readonly momentum?: (name: string) => tf.Variable | undefined;
  readonly weightDecay?: number;
}

/** The unrolled hypergradient at the model's current weights; the weights are restored afterwards. */
export function unrolledArchGradient(model: SearchModel, train: Batch, valid: Batch, opts: UnrolledOptions): Float32Array {
  const params = model.params();
  const saved = params.map((p) => tf.keep(tf.clone(p.variable)));
  const restore = (): void => params.forEach((p, i) => p.variable.assign(saved[i] as tf.Tensor));
  try {
    // w' = w − ξ ∇w L_train(w, α)   (reference: − ξ (m + ∇ + wd·w))
    const gTrain = lossAndGrads(model, train, () => dartsSpec(model), model.weightVariables(), false).grads;
    tf.tidy(() => {
      for (const p of params) {
        let step: tf.Tensor | undefined = gTrain[p.variable.name];
        if (opts.momentum) {
          const m = opts.momentum(p.name);
          const decay = tf.mul(p.variable, opts.weightDecay ?? 0);
          step = tf.add(tf.add(step ?? tf.zerosLike(p.variable), m ?? tf.zerosLike(p.variable)), decay);
        }
        if (step) p.variable.assign(tf.sub(p.variable, tf.mul(step, opts.xi)));
      }
    });
    tf.dispose(gTrain);
    // ∇α L_val(w', α) and ∇w' L_val(w', α) from one backward.
    const atUnrolled = lossAndGrads(model, valid, () => dartsSpec(model), [...model.weightVariables(), model.alpha], false);
    const gAlphaVal = takeAlphaGrad(model, atUnrolled.grads);
    const v = atUnrolled.grads;
    const norm = tf.tidy(() => Math.sqrt(tf.addN(Object.values(v).map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number));
    const eps = opts.epsilon / Math.max(norm, 1e-12);
    const shifted = (sign: 1 | -1): Float32Array => {
      tf.tidy(() => {
        params.forEach((p, i) => {
          const d = v[p.variable.name];
          p.variable.assign(d ? tf.add(saved[i] as tf.Tensor, tf.mul(d, sign * eps)) : (saved[i] as tf.Tensor));
        });
      });
      return alphaGradient(model, train, () => dartsSpec(model)).grad;
    };
    const plus = shifted(1);
    const minus = shifted(-1);
    tf.dispose(v);
    const out = new Float32Array(gAlphaVal.length);
    for (let i = 0; i < out.length; i++) out[i] = (gAlphaVal[i] as number) - (opts.xi * ((plus[i] as number) - (minus[i] as number))) / (2 * eps);
    return out;
  } finally {
    restore();
    tf.dispose(saved);
  }
}

export type { StepContext };
