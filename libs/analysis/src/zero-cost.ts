import type { Benchmark } from '@fsnas/benchmark';
import { CorruptDataError, InvalidInputError, readCsv, resolveDataFile } from '@fsnas/core';
import { NUM_ARCHS } from '@fsnas/nb201';

/** Proxies published by NAS-Bench-Suite-Zero in `nb201/zero_cost_naslib_<dataset>_even.csv`. */
export const ZERO_COST_PROXIES = ['epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'nwot', 'params', 'plain', 'snip', 'synflow', 'zen'] as const;
export type ZeroCostProxy = (typeof ZERO_COST_PROXIES)[number];
/** Only these two datasets have published scores here; CIFAR-100 has none. */
export const ZERO_COST_DATASETS = ['cifar10', 'ImageNet16-120'] as const;

/**
 * Default proxy for the "mean zero-cost score" selection: NASWOT (nwot). Larger is better, as for every
 * NASLib proxy except `plain` (whose Spearman ρ with test accuracy is ≈ −0.35). On the even-index
 * architectures nwot has ρ ≈ 0.81 (CIFAR-10) / 0.80 (ImageNet16-120) with the NATS test accuracy, the
 * highest of the training-free proxies that do not just count size (params/flops are close behind).
 */
export const DEFAULT_ZERO_COST_PROXY: ZeroCostProxy = 'nwot';

export function hasZeroCostScores(dataset: string): dataset is (typeof ZERO_COST_DATASETS)[number] {
  return (ZERO_COST_DATASETS as readonly string[]).includes(dataset);
}

/**
 * One proxy's published scores as a column by NATS index, NaN for the architectures without a score
 * (all odd indices, and the even ones NASLib dropped as isomorphic duplicates). Every row's arch string
 * is checked against the benchmark, so a re-keyed file cannot silently shift scores.
 */
export function loadZeroCostScores(bench: Benchmark, dataset: string, proxy: string = DEFAULT_ZERO_COST_PROXY, env: NodeJS.ProcessEnv = process.env): Float64Array {
  if (!hasZeroCostScores(dataset)) throw new InvalidInputError(`no published zero-cost scores for '${dataset}'; available: ${ZERO_COST_DATASETS.join(', ')}`);
  if (!(ZERO_COST_PROXIES as readonly string[]).includes(proxy)) throw new InvalidInputError(`unknown zero-cost proxy '${proxy}'; expected one of ${ZERO_COST_PROXIES.join(', ')}`);
  const table = readCsv(resolveDataFile(`nb201/zero_cost_naslib_${dataset}_even.csv`, env));
  const indexCol = table.column('nb201_index');
  const archCol = table.column('arch_str');
  const scoreCol = table.column(proxy);
  const scores = new Float64Array(NUM_ARCHS).fill(NaN);
  table.rows.forEach((row, r) => {
    const index = table.number(r, indexCol);
    if (!Number.isInteger(index) || index < 0 || index >= NUM_ARCHS) throw new CorruptDataError(table.file, String(table.lineOf(r)), `nb201_index ${index} is not in [0, ${NUM_ARCHS})`);
    if (row[archCol] !== bench.archString(index)) {
      throw new CorruptDataError(table.file, String(table.lineOf(r)), `arch_str ${row[archCol]} is not the benchmark's architecture ${bench.archString(index)} at index ${index}`);
    }
    scores[index] = table.number(r, scoreCol);
  });
  return scores;
}
