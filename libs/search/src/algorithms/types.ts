import type { Fidelity, Rng } from '@fsnas/core';
import type { Arch } from '@fsnas/nb201';
import type { tf } from '@fsnas/nn';
import type { AlphaInit } from '../alphas';
import type { Batch, EdgeSpec, SearchModel } from '../supernet';

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
  /**
   * `published`: the algorithm as its paper defines it. `reference`: the paper's code as it ran
   * (docs/reference.md §9.11–9.13), for the algorithms whose definition has a `reference`.
   */
  readonly fidelity: Fidelity;
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

/** One search run's algorithm, created from its options by its definition. */
export interface Algorithm {
  readonly alphaInit: AlphaInit;
  /** One search step: weights on the train batch, then α (bilevel algorithms) on the valid batch. */
  step(ctx: StepContext, train: Batch, valid: Batch): StepResult;
  /** Edge weighting of one validation forward (sampling algorithms draw a fresh path or sample). */
  evalSpec(ctx: StepContext): EdgeSpec;
  /** End-of-epoch work (reference DSNAS pruning); returns log lines. */
  endEpoch?(ctx: StepContext): string[];
  /** Temperature in force this epoch, if the algorithm has one (logged). */
  temperature?(epoch: number, epochs: number): number;
  /** Its own derivation (RSPS: the best of sampled architectures) instead of the configured one; a log line with it. */
  derive?(model: SearchModel, selection: readonly Batch[], rng: Rng): { readonly arch: Arch; readonly message: string };
}

/**
 * What an algorithm file exports: its name, typed default options, whether it has a reference
 * variant, and how to create it. algorithms/registry.ts lists the definitions; adding an algorithm is
 * its file and one line there.
 */
export interface AlgorithmDefinition<N extends string = string, O extends object = object> {
  readonly name: N;
  /** How the papers name it (help texts). */
  readonly title: string;
  /** The options as the paper sets them (docs/reference.md §5.1); budgets may override some. */
  readonly defaults: O;
  /** What fidelity `reference` reproduces of the paper's code (docs/reference.md §9), or null: the paper did not run it. */
  readonly reference: string | null;
  create(options: O): Algorithm;
}

/** Keeps the literal name, so the registry can derive the `AlgoName` union from its list. */
export function defineAlgorithm<const N extends string, O extends object>(definition: AlgorithmDefinition<N, O>): AlgorithmDefinition<N, O> {
  return definition;
}

export type { Arch };
