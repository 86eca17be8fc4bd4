import { InvalidInputError, type Budget, type Fidelity } from '@fsnas/core';
import { Benchmark } from '@fsnas/benchmark';
import { loadCifar10, type Dataset } from '@fsnas/data';
import type { Arch, Mask } from '@fsnas/nb201';
import type { AlgoName } from './algorithms';
import { budgetConfig, budgetSpec, type BudgetOverrides } from './budgets';
import type { SearchConfig } from './config';
import { searchData } from './data';
import type { Derivation } from './derive';
import type { HardwarePenalty } from './hardware';
import { runSearch, type EpochRecord, type SearchResult } from './search';

export const SEARCH_DATASETS = ['cifar10'] as const;

export interface SearchRunOptions extends BudgetOverrides {
  readonly algo: AlgoName;
  readonly mask: Mask;
  readonly budget: Budget;
  readonly dataset?: string;
  /** Published (the algorithm's paper, default) or the paper code's variant (reference). */
  readonly fidelity?: Fidelity;
  readonly seed?: number;
  readonly derivation?: Derivation;
  readonly checkpointPath?: string;
  readonly onEpoch?: (record: EpochRecord) => void;
  readonly progress?: boolean;
  /** A hardware term on α (hardware.ts); absent: none. */
  readonly hardware?: HardwarePenalty;
  /** Reuse an already loaded dataset and benchmark (experiments run many searches). */
  readonly cifar10?: Dataset;
  readonly benchmark?: Benchmark;
}

/** The accuracy a derived architecture is reported with: NATS-Bench `cifar10` test accuracy at 200 epochs (%). */
export function benchmarkLookup(bench: Benchmark): (arch: Arch) => number {
  const acc = bench.accuracy('cifar10', 'test');
  return (arch) => acc[bench.indexOf(arch)] as number;
}

/** One search of a budget on CIFAR-10, with the benchmark lookup every epoch. */
export async function runBudgetSearch(options: SearchRunOptions): Promise<{ config: SearchConfig; result: SearchResult }> {
  const dataset = options.dataset ?? 'cifar10';
  if (!(SEARCH_DATASETS as readonly string[]).includes(dataset)) throw new InvalidInputError(`--dataset must be cifar10 for now (the search data split of CIFAR-100/ImageNet16-120 is not implemented), got '${dataset}'`);
  const spec = budgetSpec(options.budget);
  const config: SearchConfig = {
    ...budgetConfig(spec.name, { algo: options.algo, fidelity: options.fidelity ?? 'published', mask: options.mask.toRows(), seed: options.seed ?? 888, ...(options.net ? { net: options.net } : {}), ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) }),
    derivation: options.derivation ?? 'argmax',
    ...(options.hardware ? { hardware: options.hardware } : {}),
  };
  const cifar = options.cifar10 ?? loadCifar10();
  const bench = options.benchmark ?? Benchmark.load();
  const data = searchData(cifar, spec);
  const result = await runSearch(config, {
    data,
    lookup: benchmarkLookup(bench),
    ...(options.onEpoch ? { onEpoch: options.onEpoch } : {}),
    ...(options.checkpointPath ? { checkpointPath: options.checkpointPath } : {}),
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
  });
  return { config, result };
}
