import type { Setting } from '@fsnas/benchmark';
import type { Budget } from '@fsnas/core';

/** What one budget preset of F4 runs. */
export interface F4Config {
  readonly datasets: readonly Setting[];
  /** Metric families of the paper's splits; 'all' = every family of the dataset. */
  readonly metrics: readonly string[] | 'all';
  /** Seeds 0..seeds-1 per method (the MaxUCB setup uses 32). */
  readonly seeds: number;
  /** Architectures sampled per leaf by the best-mean method (MaxUCB: 600). */
  readonly samples: number;
  /** Successive-halving total evaluations; null = samples × leaves (the best-mean budget). */
  readonly budget: number | null;
  /** Zero-cost proxy for the mean-score method (NASLib's published scores); null to skip. */
  readonly proxy: string | null;
  readonly png: boolean;
}

/**
 * Selection only reads benchmark accuracies, so `laptop` (and `medium`) already runs the paper-scale grid (3 datasets
 * × 10 families × 32 seeds, 600 samples per leaf, about a second per family); `paper` is the same.
 */
export const F4_CONFIG: Readonly<Record<Budget, F4Config>> = {
  smoke: { datasets: ['cifar10'], metrics: ['gradient_matching', 'synflow'], seeds: 4, samples: 50, budget: null, proxy: 'nwot', png: false },
  laptop: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', seeds: 32, samples: 600, budget: null, proxy: 'nwot', png: true },
  medium: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', seeds: 32, samples: 600, budget: null, proxy: 'nwot', png: true },
  paper: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', seeds: 32, samples: 600, budget: null, proxy: 'nwot', png: true },
};
