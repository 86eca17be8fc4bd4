import type { Setting } from '@fsnas/benchmark';
import type { Budget } from '@fsnas/experiments';

/** What one budget preset of F1 runs. */
export interface F1Config {
  readonly datasets: readonly Setting[];
  /**
   * Extra split files (the project's own splits, `{metric, leaves:[{mask}]}`) to set beside the paper's,
   * as dataset -> paths; their families are named `ours:<metric>`.
   */
  readonly ownSplits: Readonly<Partial<Record<Setting, readonly string[]>>>;
  readonly png: boolean;
}

/** F1 reads masks only; every budget covers the paper's three datasets. */
export const F1_CONFIG: Readonly<Record<Budget, F1Config>> = {
  smoke: { datasets: ['cifar10'], ownSplits: {}, png: false },
  laptop: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], ownSplits: {}, png: true },
  paper: { datasets: ['cifar10', 'cifar100', 'ImageNet16-120'], ownSplits: {}, png: true },
};
