import { fidelityToken, parseBudget, type Budget, type Fidelity } from '@fsnas/core';
import { PAPER_HYPERPARAMETERS, type SearchConfig } from './config';
import { algorithmOptions, type AlgoName, type AlgorithmOverrides } from './algorithms';

/** Size of a run: network, data and epochs. The optimisation hyper-parameters stay the paper's. */
export interface BudgetSpec {
  readonly name: Budget;
  readonly net: { readonly C: number; readonly N: number };
  /** Image side after 2×2 (or 4×4) average pooling of the 32×32 CIFAR images. */
  readonly imageSize: 32 | 16 | 8;
  /** Images taken (in index order) from each half of the 25k/25k split; null = all 25,000. */
  readonly imagesPerHalf: number | null;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainBatches: number | null;
  readonly validBatches: number | null;
  readonly selectionBatches: number;
  /** Algorithm options scaled to the budget (the rest are the paper's). */
  readonly algorithms: AlgorithmOverrides;
  readonly description: string;
}

export const BUDGET_SPECS: Readonly<Record<Budget, BudgetSpec>> = {
  smoke: {
    name: 'smoke',
    net: { C: 4, N: 1 },
    imageSize: 8,
    imagesPerHalf: 256,
    epochs: 2,
    batchSize: 16,
    trainBatches: 3,
    validBatches: 2,
    selectionBatches: 1,
    algorithms: { rsps: { archs: 8 } },
    description: 'smoke: C=4, N=1, 8×8 images (4×4-average-pooled CIFAR-10), 256+256 images (class-balanced), batch 16, 2 epochs × 3 steps; checks the plumbing only.',
  },
  laptop: {
    name: 'laptop',
    net: { C: 8, N: 1 },
    imageSize: 16,
    imagesPerHalf: 2560,
    epochs: 4,
    batchSize: 64,
    trainBatches: 20,
    validBatches: 4,
    selectionBatches: 2,
    algorithms: { rsps: { archs: 30 } },
    description:
      'laptop: C=8, N=1 (3 cells + 2 reduction blocks instead of 15 + 2), 16×16 images (2×2-average-pooled CIFAR-10, crop pad 2), ' +
      'a class-balanced 2,560-image subset of each half, batch 64, 4 epochs × 20 steps (80 steps vs 19,550), 4 validation batches per epoch; ' +
      'same optimisers, schedules (cosine and temperatures compressed to 4 epochs) and algorithms as the paper.',
  },
  medium: {
    name: 'medium',
    net: { C: 8, N: 1 },
    imageSize: 16,
    imagesPerHalf: 2560,
    epochs: 50,
    batchSize: 64,
    trainBatches: null,
    validBatches: 4,
    selectionBatches: 2,
    algorithms: { rsps: { archs: 30 } },
    description:
      'medium: the laptop network and data (C=8, N=1, 16×16 images, a class-balanced 2,560-image subset of each half, batch 64) ' +
      'searched 25× longer: 50 epochs × 40 steps (one pass over the 2,560 images each; 2,000 steps vs the paper\'s 19,550), ' +
      '4 validation batches per epoch; same optimisers, schedules (over 50 epochs, as the paper\'s) and algorithms as the paper. ' +
      'The F2a-collapse sweep chose the length: 4 of its 6 full-space first-order DARTS searches ended on cells with 4 of 6 parameter-free ops, reached after 960–1,640 steps.',
  },
  paper: {
    name: 'paper',
    net: { C: 16, N: 5 },
    imageSize: 32,
    imagesPerHalf: null,
    epochs: 50,
    batchSize: 64,
    trainBatches: null,
    validBatches: null,
    selectionBatches: 10,
    algorithms: {},
    description: 'paper: C=16, N=5, 32×32 CIFAR-10, 25k/25k index-order halves, batch 64, 50 epochs × 391 steps (docs/reference.md §11.4); needs a GPU backend (tfjs-node-gpu).',
  },
};

/** What a sweep may change of a budget (its network size and search length); the data stay the budget's. */
export interface BudgetOverrides {
  readonly net?: { readonly C: number; readonly N: number };
  readonly epochs?: number;
}

/** The spec of a `--budget` value given as text; an unknown name is an InvalidInputError naming it. */
export function budgetSpec(name: string): BudgetSpec {
  return BUDGET_SPECS[parseBudget(name, '--budget')];
}

/** The full search config of a budget. */
export function budgetConfig(budget: Budget, run: { algo: AlgoName; fidelity?: Fidelity; mask: readonly (readonly number[])[]; seed?: number; classes?: number } & BudgetOverrides): SearchConfig {
  const b = BUDGET_SPECS[budget];
  return {
    algo: run.algo,
    compat: fidelityToken('search', run.fidelity ?? 'published'),
    mask: run.mask.map((r) => [...r]),
    seed: run.seed ?? 888,
    net: { ...(run.net ?? b.net), classes: run.classes ?? 10 },
    epochs: run.epochs ?? b.epochs,
    batchSize: b.batchSize,
    trainBatches: b.trainBatches,
    validBatches: b.validBatches,
    ...PAPER_HYPERPARAMETERS,
    algorithm: algorithmOptions(run.algo, b.algorithms),
    derivation: 'argmax',
    selectionBatches: b.selectionBatches,
  };
}
