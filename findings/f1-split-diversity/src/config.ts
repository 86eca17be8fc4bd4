import type { Setting } from '@fsnas/benchmark';
import type { Budget } from '@fsnas/core';

/** What one budget preset of F1 runs (our splits come from the budget's splits stage: computedSplitSources). */
export interface F1Config {
  readonly datasets: readonly Setting[];
  readonly png: boolean;
}

/** F1 reads masks only; every budget covers the paper's three datasets. */
export const F1_CONFIG: Readonly<Record<Budget, F1Config>> = {
  smoke: { datasets: ['cifar10'], png: false },
  laptop: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], png: true },
  medium: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], png: true },
  paper: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], png: true },
};
