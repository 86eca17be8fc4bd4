import type { Mask } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { ALPHA_INIT, maskedSoftmax } from '../alphas';
import { gumbelNoise, snasTemperature } from '../sampling';
import type { Batch, EdgeSpec, SearchModel } from '../supernet';
import { addInto, alphaGradient, matrix, weightStep } from './common';
import { defineAlgorithm, type StepContext } from './types';

export interface SnasOptions {
  /** Temperature schedule: max → min over the run (1 → 0.1). */
  readonly tau: { readonly max: number; readonly min: number };
}

/**
 * SNAS (Xie et al. 2019) as the reference configures it: per forward, edge weights are a soft
 * Gumbel-softmax sample softmax_allowed((α + G)/λ), one sample per step, λ = 1 − 0.9e/50 over 50 epochs
 * (TempScheduler, docs/reference.md §5.6); no resource term. α steps on ∇α of the valid loss through the
 * reparameterised sample (fresh noise).
 *
 * Fidelity `reference` (docs/reference.md §9.11): α.grad also keeps the train-loss gradient of the weight step's sample.
 */
export const snas = defineAlgorithm({
  name: 'snas',
  title: 'SNAS',
  defaults: { tau: { max: 1, min: 0.1 } },
  reference: "docs/reference.md §9.11: α.grad keeps the weight step's sample's ∇α L_train",
  create: (options: SnasOptions) => {
    const temperature = (epoch: number, epochs: number): number => snasTemperature(epoch, epochs, options.tau.max, options.tau.min);
    const tauOf = (ctx: StepContext): number => temperature(ctx.epoch, ctx.epochs);
    return {
      alphaInit: ALPHA_INIT.snas,
      step(ctx, train, valid) {
        const tau = tauOf(ctx);
        const reference = ctx.fidelity === 'reference';
        const trainNoise = gumbelNoise(ctx.rng);
        const w = weightStep(ctx, train, () => snasSpec(ctx.model, trainNoise, tau), reference);
        const g = snasArchGradient(ctx.model, valid, gumbelNoise(ctx.rng), tau);
        ctx.applyArchGrad(w.alphaGrad ? addInto(w.alphaGrad, g) : g);
        return w;
      },
      evalSpec: (ctx) => snasSpec(ctx.model, gumbelNoise(ctx.rng), tauOf(ctx)),
      temperature,
    };
  },
});

/** Soft Gumbel-softmax edge weights for fixed noise (differentiable in α). */
export function softGumbelWeights(alpha: tf.Tensor2D, noise: Float32Array, tau: number, mask: Mask): tf.Tensor2D {
  return tf.tidy(() => maskedSoftmax(tf.div(tf.add(alpha, matrix(noise)), tau) as tf.Tensor2D, mask));
}

export function snasSpec(model: SearchModel, noise: Float32Array, tau: number): EdgeSpec {
  return { kind: 'mixed', weights: softGumbelWeights(model.alpha as tf.Tensor2D, noise, tau, model.mask) };
}

/** ∇α L(w, softmax((α+G)/τ)) for fixed noise G: an exact gradient of a deterministic function of α. */
export function snasArchGradient(model: SearchModel, batch: Batch, noise: Float32Array, tau: number): Float32Array {
  return alphaGradient(model, batch, () => snasSpec(model, noise, tau)).grad;
}
