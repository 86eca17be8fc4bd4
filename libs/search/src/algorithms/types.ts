import type { Rng } from '@fsnas/core';
import type { Arch } from '@fsnas/nb201';
import type { tf } from '@fsnas/nn';
import type { AlphaInit } from '../alphas';
import type { Batch, EdgeSpec, SearchModel } from '../supernet';

export const ALGORITHMS = ['darts', 'darts2', 'snas', 'dsnas', 'gdas', 'rsps'] as const;
export type AlgoName = (typeof ALGORITHMS)[number];

/**
 * `spec`: the algorithms as their papers define them. `reference`: the paper's code as it ran
 * (docs/reference.md §9.11–9.13), for darts, darts2, snas and dsnas only.
 */
export const COMPATS = ['spec', 'reference'] as const;
export type Compat = (typeof COMPATS)[number];

/** Algorithm hyper-parameters (defaults in search-config.ts, from docs/reference.md §5.1). */
export interface AlgorithmOptions {
  /** SNAS temperature schedule: max → min over the run (1 → 0.1). */
  readonly snasTau: { readonly max: number; readonly min: number };
  /** GDAS temperature schedule (10 → 0.1). */
  readonly gdasTau: { readonly max: number; readonly min: number };
  /** Reference "DSNAS": paths per batch for the weight loss and for REINFORCE-LOO (5). */
  readonly dsnasSamples: number;
  /** Reference "DSNAS": prune an edge when its top-2 α gap is ≥ this (0.8). */
  readonly dsnasThreshold: number;
  /** DARTS 2nd order: ε numerator of the finite-difference Hessian-vector product (0.01; reference 0.001). */
  readonly darts2Epsilon: number;
}

/** What an algorithm sees during one search step. */
export interface StepContext {
  readonly model: SearchModel;
  /** The epoch's random stream (samples, noise). */
  readonly rng: Rng;
  /** 0-based epoch and the total. */
  readonly epoch: number;
  readonly epochs: number;
  /** Current weight learning rate (ξ of DARTS 2nd order). */
  readonly lr: number;
  readonly compat: Compat;
  readonly options: AlgorithmOptions;
  /** Clip (global norm) and apply an SGD step; disposes `grads`. */
  applyWeightGrads(grads: tf.NamedTensorMap): void;
  /** One Adam step of α with this gradient (30 values, row-major). */
  applyArchGrad(grad: ArrayLike<number>): void;
  /** Momentum buffer of a weight by its stable name (reference DARTS 2nd order), if any. */
  momentumOf(name: string): tf.Variable | undefined;
}

export interface StepResult {
  readonly trainLoss: number;
  readonly trainAcc: number;
}

export interface Algorithm {
  readonly name: AlgoName;
  readonly alphaInit: AlphaInit;
  /** One search step: weights on the train batch, then α (bilevel algorithms) on the valid batch. */
  step(ctx: StepContext, train: Batch, valid: Batch): StepResult;
  /** Edge weighting of one validation forward (sampling algorithms draw a fresh path or sample). */
  evalSpec(ctx: StepContext): EdgeSpec;
  /** End-of-epoch work (reference DSNAS pruning); returns log lines. */
  endEpoch?(ctx: StepContext): string[];
  /** Temperature in force this epoch, if the algorithm has one (logged). */
  temperature?(epoch: number, epochs: number, options: AlgorithmOptions): number;
  /** RSPS: derive by evaluating sampled architectures instead of argmax α. */
  deriveBySampling?: boolean;
}

export type { Arch };
