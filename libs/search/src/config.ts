import { InvalidInputError, fidelityOfToken, type Fidelity, type FidelityToken } from '@fsnas/core';
import { checkAlgorithmChoice, type AlgoName, type AlgorithmOptions } from './algorithms';
import { DERIVATIONS, type Derivation } from './derive';
import { checkHardwarePenalty, type HardwarePenalty } from './hardware';

/**
 * Everything that determines a search run (a checkpoint only resumes a run with the same config).
 * Defaults are the paper's (docs/reference.md §5.1); budgets.ts sets the size-related fields. It is
 * persisted as it is: hashed into checkpoints and run keys, logged as MLflow params.
 */
export interface SearchConfig {
  readonly algo: AlgoName;
  /**
   * The fidelity as search persists it (core's fidelityToken): `spec` for published (the algorithm
   * as its paper defines it), or `reference`, so configs keep their hashes. Read it with `searchFidelity`.
   */
  readonly compat: FidelityToken<'search'>;
  /** The (sub-)supernet as 0/1 rows. */
  readonly mask: readonly (readonly number[])[];
  readonly seed: number;
  /** Network: C, cells per stage, classes. Cell BNs are non-affine (docs/reference.md §5.1 `affine: False`). */
  readonly net: { readonly C: number; readonly N: number; readonly classes: number };
  readonly epochs: number;
  readonly batchSize: number;
  /** Train steps per epoch (null: one pass over the train half). */
  readonly trainBatches: number | null;
  /** Validation batches per epoch (null: the whole valid half). */
  readonly validBatches: number | null;
  /** Weights: SGD Nesterov, cosine lr → lrMin over `epochs`, clipping. */
  readonly lr: number;
  readonly lrMin: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly gradClip: number;
  /** α: Adam(lr, betas, weight decay). */
  readonly archLr: number;
  readonly archBetas: readonly [number, number];
  readonly archWeightDecay: number;
  /** The options of `algo` (its definition's defaults, a budget's sizes applied). */
  readonly algorithm: AlgorithmOptions;
  readonly derivation: Derivation;
  /** Batches the perturbation selection and RSPS evaluation score on. */
  readonly selectionBatches: number;
  /**
   * A hardware term added to α's gradient at every step (hardware.ts), for the algorithms that learn
   * α. Absent in a search without one, so the configs of earlier searches keep their hashes.
   */
  readonly hardware?: HardwarePenalty;
}

export const PAPER_HYPERPARAMETERS = {
  lr: 0.025,
  lrMin: 0.001,
  momentum: 0.9,
  weightDecay: 3e-4,
  gradClip: 5,
  archLr: 3e-4,
  archBetas: [0.5, 0.999] as const,
  archWeightDecay: 1e-3,
} as const;

/** The fidelity of a search config (an unknown token is an InvalidInputError). */
export const searchFidelity = (c: Pick<SearchConfig, 'compat'>): Fidelity => fidelityOfToken('search', c.compat);

export function validateConfig(c: SearchConfig): SearchConfig {
  checkAlgorithmChoice({ algo: c.algo, fidelity: searchFidelity(c), algorithm: c.algorithm });
  if (c.hardware) {
    checkHardwarePenalty(c.hardware);
    if (c.algo === 'rsps') throw new InvalidInputError('a hardware term needs architecture weights; rsps samples uniformly and has none');
  }
  if (!(DERIVATIONS as readonly string[]).includes(c.derivation)) throw new InvalidInputError(`derivation must be argmax|perturbation, got '${c.derivation}'`);
  for (const [k, v] of [
    ['epochs', c.epochs],
    ['batchSize', c.batchSize],
    ['selectionBatches', c.selectionBatches],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`${k} must be a positive integer, got ${v}`);
  }
  for (const [k, v] of [
    ['trainBatches', c.trainBatches],
    ['validBatches', c.validBatches],
  ] as const) {
    if (v !== null && (!Number.isInteger(v) || v < 1)) throw new InvalidInputError(`${k} must be a positive integer or null, got ${v}`);
  }
  return c;
}
