import { datasetSource, type Budget } from '@fsnas/core';
import { METRIC_DATASETS, METRIC_NAMES } from '@fsnas/metrics';
import type { Mask } from '@fsnas/nb201';
import { PAPER_SPLIT_SEED, PAPER_SPLIT_SETTING, describeSplitSource, type ComputedSplitSource, type PaperSplitSource, type SplitSetting } from '@fsnas/splitting';
import type { RunInputs } from './run-inputs';

/** The id (MLflow experiment) of the splits stage, which findings reading our splits require. */
export const SPLITS_STAGE = 'splits';

/**
 * The smoke setting: the paper's tree (8 leaves, edges 0, 1, 2) over tiny metric networks and
 * batches, so a split takes seconds. Its trees check the plumbing; they are not the paper's numbers.
 */
export const TINY_SPLIT_SETTING: SplitSetting = { ...PAPER_SPLIT_SETTING, name: 'tiny', batchSize: 8, network: { C: 4, N: 1 } };

/** The cheap metrics of the smoke budget (`random` is the reference's random split). */
export const SMOKE_SPLIT_METRICS = ['num_params', 'synflow', 'random'] as const;

/**
 * The datasets the splits stage can split on here: those the metrics draw batches from
 * (METRIC_DATASETS) whose images are in a data folder (as `fsnas data status` reports). CIFAR-100
 * and ImageNet16-120 join once the metrics can batch them and they are fetched.
 */
export function datasetsWithImages(env: NodeJS.ProcessEnv = process.env): string[] {
  return METRIC_DATASETS.filter((dataset) => datasetSource(dataset, env) !== null);
}

const computed = (metric: string, dataset: string, setting?: SplitSetting): ComputedSplitSource => ({
  kind: 'computed',
  metric,
  dataset,
  seed: PAPER_SPLIT_SEED,
  fidelity: 'reference',
  warmup: null,
  ...(setting ? { setting } : {}),
});

/**
 * The one list of the project's own splits per budget: the splits stage computes them, and the
 * findings after it read them from the cache beside the paper's. smoke: num_params, synflow and
 * random in the tiny setting; laptop, medium and paper: every registered metric in the paper's setting
 * (reference fidelity, seed 888, no warm-up), on each dataset with images.
 */
export function computedSplitSources(budget: Budget, datasets: readonly string[] = datasetsWithImages()): ComputedSplitSource[] {
  if (budget === 'smoke') return datasets.flatMap((dataset) => SMOKE_SPLIT_METRICS.map((metric) => computed(metric, dataset, TINY_SPLIT_SETTING)));
  return datasets.flatMap((dataset) => METRIC_NAMES.map((metric) => computed(metric, dataset)));
}

/**
 * The split family of a finding's run: the paper's family `metric` (source 'paper') or one of our
 * splits, named as tables and figures show it (the family name, or `ours:<metric>[…]`), with its
 * leaves read through the run context's one split store.
 */
export function splitFamily(inputs: RunInputs, dataset: string, metric: string, source: 'paper' | ComputedSplitSource): { readonly name: string; readonly leaves: readonly Mask[] } {
  if (source === 'paper') return { name: metric, leaves: inputs.splits().leaves({ kind: 'paper', metric }, dataset) };
  return { name: describeSplitSource(source), leaves: inputs.splits().leaves(source, dataset) };
}

/** The paper's family a computed split corresponds to (the random split is `random_seed<seed>` there). */
export function paperFamilyOf(source: ComputedSplitSource): string {
  return source.metric === 'random' ? `random_seed${source.seed}` : source.metric;
}

/** The paper's split of the same metric, where the paper has one for the dataset. */
export function paperCounterpart(source: ComputedSplitSource, paperFamilies: readonly string[]): PaperSplitSource | null {
  const family = paperFamilyOf(source);
  return paperFamilies.includes(family) ? { kind: 'paper', metric: family } : null;
}
