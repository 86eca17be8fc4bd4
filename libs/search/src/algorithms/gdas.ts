import type { Arch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { ALPHA_INIT, maskedSoftmaxValues } from '../alphas';
import { argmaxPath, gdasTemperature, gumbelNoise, oneHot } from '../sampling';
import type { Batch, EdgeSpec, SearchModel } from '../supernet';
import { alphaGradient, matrix, weightStep } from './common';
import { softGumbelWeights } from './snas';
import { defineAlgorithm, type StepContext } from './types';

export interface GdasOptions {
  /** Temperature schedule: max → min over the run (10 → 0.1). */
  readonly tau: { readonly max: number; readonly min: number };
}

/**
 * GDAS (Dong & Yang 2019): per forward, path = argmax over allowed ops of α + G (Gumbel-max), and only
 * that op runs on each edge (hard one-hot forward). Its scalar multiplier is the straight-through
 * h_s = 1 − sg(s_s) + s_s with s = softmax_allowed((α + G)/τ), so in value the path is unscaled and
 * ∂L/∂α_{e,k} = (∂L/∂h_{e,s_e}) · ∂s_{e,s_e}/∂α_{e,k}. τ goes linearly 10 → 0.1 over the run.
 * Weights step on the train batch with one sampled path; α on the valid batch with a fresh one.
 */
export const gdas = defineAlgorithm({
  name: 'gdas',
  title: 'GDAS',
  defaults: { tau: { max: 10, min: 0.1 } },
  // The paper did not run GDAS.
  reference: null,
  create: (options: GdasOptions) => {
    const temperature = (epoch: number, epochs: number): number => gdasTemperature(epoch, epochs, options.tau.max, options.tau.min);
    const tauOf = (ctx: StepContext): number => temperature(ctx.epoch, ctx.epochs);
    return {
      alphaInit: ALPHA_INIT.gdas,
      step(ctx, train, valid) {
        const tau = tauOf(ctx);
        const trainNoise = gumbelNoise(ctx.rng);
        const w = weightStep(ctx, train, () => gdasSpec(ctx.model, trainNoise, tau));
        ctx.applyArchGrad(gdasArchGradient(ctx.model, valid, gumbelNoise(ctx.rng), tau));
        return w;
      },
      evalSpec: (ctx) => gdasSpec(ctx.model, gumbelNoise(ctx.rng), tauOf(ctx)),
      temperature,
    };
  },
});

/** The Gumbel-max path for fixed noise. */
export function gdasPath(model: SearchModel, noise: Float32Array): Arch {
  const alpha = model.alphaValues();
  return argmaxPath(
    alpha.map((a, i) => a + (noise[i] as number)),
    model.mask,
  );
}

export function gdasSpec(model: SearchModel, noise: Float32Array, tau: number): EdgeSpec {
  const path = gdasPath(model, noise);
  // sg(s): the soft sample's value as a constant, so h = onehot − sg(s) + s is 1 on the path in value.
  const alpha = model.alphaValues();
  const soft = maskedSoftmaxValues(
    alpha.map((a, i) => a + (noise[i] as number)),
    model.mask,
    tau,
  );
  const weights = tf.tidy(() => {
    const s = softGumbelWeights(model.alpha as tf.Tensor2D, noise, tau, model.mask);
    return tf.add(tf.sub(matrix(oneHot(path)), matrix(soft)), s) as tf.Tensor2D;
  });
  return { kind: 'path', path, weights };
}

export function gdasArchGradient(model: SearchModel, batch: Batch, noise: Float32Array, tau: number): Float32Array {
  return alphaGradient(model, batch, () => gdasSpec(model, noise, tau)).grad;
}
