import type { Budget } from '@fsnas/core';

/** A network size of the sweep. */
export interface CollapseNet {
  readonly C: number;
  readonly N: number;
}

/** What one search of the sweep searches: the full space, or the leaf of a paper split that holds the space's best architecture. */
export type CollapseSpace = 'full' | { readonly family: string; readonly leaf: 'best' };

/** One line of the sweep: a space at a network size, searched with every seed. */
export interface CollapseLine {
  readonly net: CollapseNet;
  readonly space: CollapseSpace;
}

/** What one budget preset of F2a-collapse runs: first-order DARTS, per-epoch trajectories. */
export interface CollapseConfig {
  /** Data, optimiser and per-epoch steps of every search (libs/search budgets.ts); the network and length are the sweep's. */
  readonly search: Budget;
  /** Search length; every epoch's derived cell is logged, so one search gives the whole trajectory. */
  readonly epochs: number;
  /** The most telling first: each seed runs them in this order (run.ts planCollapse). */
  readonly lines: readonly CollapseLine[];
  readonly seeds: readonly number[];
}

const GM_BEST_LEAF: CollapseSpace = { family: 'gradient_matching', leaf: 'best' };

/**
 * smoke: the plumbing (tiny network, 3 epochs, full space and one GM leaf).
 * laptop: the probe that found the drift: the laptop network, 25 epochs × 40 steps (1,000 steps), one seed (~7 min).
 * medium: the sweep: 50 epochs × 40 steps (2,000 steps) on the laptop network (full space and the GM leaf
 *   holding the best architecture) and on C=16 (full space), 3 seeds each: 9 searches, ~3 h on this 2-core machine.
 * paper: the paper's network and length (C=16, N=5, 50 epochs × 391 steps) on the full space and the GM leaf, 3 seeds (GPU).
 */
export const COLLAPSE_CONFIG: Readonly<Record<Budget, CollapseConfig>> = {
  smoke: { search: 'smoke', epochs: 3, lines: [{ net: { C: 4, N: 1 }, space: 'full' }, { net: { C: 4, N: 1 }, space: GM_BEST_LEAF }], seeds: [888] },
  laptop: { search: 'medium', epochs: 25, lines: [{ net: { C: 8, N: 1 }, space: 'full' }], seeds: [888] },
  medium: {
    search: 'medium',
    epochs: 50,
    lines: [
      { net: { C: 8, N: 1 }, space: 'full' },
      { net: { C: 8, N: 1 }, space: GM_BEST_LEAF },
      { net: { C: 16, N: 1 }, space: 'full' },
    ],
    seeds: [888, 777, 666],
  },
  paper: {
    search: 'paper',
    epochs: 50,
    lines: [
      { net: { C: 16, N: 5 }, space: 'full' },
      { net: { C: 16, N: 5 }, space: GM_BEST_LEAF },
    ],
    seeds: [888, 777, 666],
  },
};
