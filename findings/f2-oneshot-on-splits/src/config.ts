import type { Budget } from '@fsnas/core';
import { computedSplitSources } from '@fsnas/experiments';
import type { AlgoName } from '@fsnas/search';
import type { ComputedSplitSource } from '@fsnas/splitting';

/** What one budget preset of F2 runs. */
export interface F2Config {
  /** Search budget of every run (libs/search budgets.ts). */
  readonly search: Budget;
  readonly algos: readonly AlgoName[];
  /**
   * Split families (CIFAR-10) whose leaves are searched, besides the full space: a paper family by
   * name, or one of our splits (a computed source of the splits stage, which must have run).
   */
  readonly families: readonly (string | ComputedSplitSource)[];
  /** Leaves per family (null = all 8). */
  readonly leaves: readonly number[] | null;
  readonly seed: number;
}

/**
 * smoke: the plumbing (2 algorithms, full space + 2 GM leaves, smoke-sized searches).
 * laptop: DARTS and RSPS (laptop-sized searches, ~1 CPU-minute each on tfjs-node, ~3 on wasm) on the
 *   full space and on all 8 leaves of the gradient-matching split and of two zero-cost splits
 *   (synflow, snip): 50 searches, about an hour on this 2-core machine with tfjs-node.
 * medium: first-order DARTS (the first priority; the other algorithms join as time allows) at
 *   the medium search length (50 epochs × 40 steps), where full-space DARTS drifts to parameter-free cells
 *   (findings/f2a-collapse), on the full space and all 8 leaves of five paper families and of our own
 *   gradient-matching split: 49 searches, ~10 min each with 2 workers on this machine (~4 h). The
 *   families run in this order, the paper's method and its random control first, so a grid cut short
 *   still compares them with the full space.
 * paper: every algorithm on the full space and on all 8 leaves of the gradient-matching split and of
 *   two zero-cost splits (synflow, snip): 6 × 25 = 150 searches at the paper's search budget (GPU).
 *   The runner skips finished runs and searches resume from checkpoints, so it can run in pieces.
 */
export const F2_CONFIG: Readonly<Record<Budget, F2Config>> = {
  smoke: { search: 'smoke', algos: ['darts', 'rsps'], families: ['gradient_matching'], leaves: [0, 1], seed: 888 },
  laptop: { search: 'laptop', algos: ['darts', 'rsps'], families: ['gradient_matching', 'synflow', 'snip'], leaves: null, seed: 888 },
  medium: {
    search: 'medium',
    algos: ['darts'],
    families: ['gradient_matching', 'random_seed888', 'synflow', 'snip', 'num_params', ...computedSplitSources('medium', ['cifar10']).filter((s) => s.metric === 'gradient_matching')],
    leaves: null,
    seed: 888,
  },
  paper: { search: 'paper', algos: ['darts', 'darts2', 'snas', 'dsnas', 'gdas', 'rsps'], families: ['gradient_matching', 'synflow', 'snip'], leaves: null, seed: 888 },
};
