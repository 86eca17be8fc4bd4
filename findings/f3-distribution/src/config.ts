import type { Setting } from '@fsnas/benchmark';
import type { Budget } from '@fsnas/core';

/** What one budget preset of F3 runs: which datasets and metric families, and whether to render PNGs. */
export interface F3Config {
  readonly datasets: readonly Setting[];
  /** Metric families of the paper's splits; 'all' = every family of the dataset. */
  readonly metrics: readonly string[] | 'all';
  /** Render figures to PNG with headless Chromium (HTML is always written). */
  readonly png: boolean;
}

/**
 * Everything F3 needs is benchmark look-ups, so `laptop`, `medium` and `paper` all cover the paper's whole grid
 * (3 datasets × 10 families); `smoke` keeps two families on CIFAR-10 and skips Chromium.
 */
export const F3_CONFIG: Readonly<Record<Budget, F3Config>> = {
  smoke: { datasets: ['cifar10'], metrics: ['gradient_matching', 'random_seed888'], png: false },
  laptop: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', png: true },
  medium: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', png: true },
  paper: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], metrics: 'all', png: true },
};
