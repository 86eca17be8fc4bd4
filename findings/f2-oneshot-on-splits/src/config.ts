import type { Budget } from '@fsnas/core';
import { computedSplitSources } from '@fsnas/experiments';
import type { AlgoName } from '@fsnas/search';
import type { ComputedSplitSource } from '@fsnas/splitting';

/** Some algorithms, each on the full space and the leaves of some families, with some seeds. */
export interface F2Group {
  readonly algos: readonly AlgoName[];
  /**
   * Split families (CIFAR-10) whose leaves are searched, besides the full space: a paper family by
   * name, or one of our splits (a computed source of the splits stage, which must have run).
   */
  readonly families: readonly (string | ComputedSplitSource)[];
  /** One seed for the deterministic algorithms (DARTS 1st/2nd), as the paper; three for the stochastic ones. */
  readonly seeds: readonly number[];
}

/** What one budget preset of F2 runs: its groups, in this order (a grid cut short keeps the first). */
export interface F2Config {
  /** Search budget of every run (libs/search budgets.ts). */
  readonly search: Budget;
  readonly groups: readonly F2Group[];
  /** Leaves per family (null = all 8). */
  readonly leaves: readonly number[] | null;
}

/** The paper's seeds for the stochastic algorithms (SNAS, DSNAS, GDAS, RSPS). */
const THREE_SEEDS = [888, 777, 666] as const;

/**
 * smoke: the plumbing (2 algorithms, full space + 2 GM leaves, smoke-sized searches).
 * laptop: DARTS and RSPS (laptop-sized searches, ~1 CPU-minute each on tfjs-node, ~3 on wasm) on the
 *   full space and on all 8 leaves of the gradient-matching split and of two zero-cost splits
 *   (synflow, snip), one seed: 50 searches, about an hour on this 2-core machine with tfjs-node.
 * medium: the medium search length (50 epochs × 40 steps), where full-space DARTS drifts to
 *   parameter-free cells (findings/f2a-collapse), in the order. First DARTS-1st (deterministic,
 *   one seed) on the full space and all 8 leaves of five paper families and of our own
 *   gradient-matching split: 49 searches, ~10 min each with 2 workers on this machine (~4 h), GM and
 *   its random control first. Then DARTS-2nd (one seed), and SNAS and DSNAS (3 seeds), on the full
 *   space, random_seed888 and gradient_matching: 17 + 2 × 3 × 17 = 119 more.
 * paper: every algorithm on the full space and on all 8 leaves of the gradient-matching split and of
 *   two zero-cost splits (synflow, snip), one seed for DARTS 1st/2nd and three for SNAS, DSNAS, GDAS
 *   and RSPS: 2 × 25 + 4 × 3 × 25 = 350 searches at the paper's search budget (GPU). The runner skips
 *   finished runs and searches resume from checkpoints, so it can run in pieces.
 */
export const F2_CONFIG: Readonly<Record<Budget, F2Config>> = {
  smoke: { search: 'smoke', groups: [{ algos: ['darts', 'rsps'], families: ['gradient_matching'], seeds: [888] }], leaves: [0, 1] },
  laptop: { search: 'laptop', groups: [{ algos: ['darts', 'rsps'], families: ['gradient_matching', 'synflow', 'snip'], seeds: [888] }], leaves: null },
  medium: {
    search: 'medium',
    groups: [
      { algos: ['darts'], families: ['gradient_matching', 'random_seed888', 'synflow', 'snip', 'num_params', ...computedSplitSources('medium', ['cifar10']).filter((s) => s.metric === 'gradient_matching')], seeds: [888] },
      { algos: ['darts2'], families: ['random_seed888', 'gradient_matching'], seeds: [888] },
      { algos: ['snas', 'dsnas'], families: ['random_seed888', 'gradient_matching'], seeds: THREE_SEEDS },
    ],
    leaves: null,
  },
  paper: {
    search: 'paper',
    groups: [
      { algos: ['darts', 'darts2'], families: ['gradient_matching', 'synflow', 'snip'], seeds: [888] },
      { algos: ['snas', 'dsnas', 'gdas', 'rsps'], families: ['gradient_matching', 'synflow', 'snip'], seeds: THREE_SEEDS },
    ],
    leaves: null,
  },
};
