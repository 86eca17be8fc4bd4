import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidInputError, fidelityOfToken, fidelityToken, writeFileAtomic, type FidelityToken } from '@fsnas/core';
import type { Dataset } from '@fsnas/data';
import { named, type MetricSink, type PlannedRun } from '@fsnas/experiments';
import type { MetricDataset } from '@fsnas/metrics';
import { describeSplitSource, settingOf, splitSourceKey, type ComputedSplitSource, type SplitSetting, type SplitStore } from '@fsnas/splitting';
import { paramText } from '@fsnas/tracking';
import { computeSplitTree, type SplitComputation, type SplitTiming } from './compute';
import { SPLITS_ARTIFACTS, SPLITS_LEVEL_METRICS, SPLITS_METRICS, SPLITS_TAGS } from './schema';

/** One MLflow run: one computed split source (the setting filled in) and its cache key. */
export interface SplitsRunConfig {
  readonly metric: string;
  readonly dataset: string;
  readonly seed: number;
  /**
   * The source's fidelity as splitting persists it (core's fidelityToken: `none` for published), so
   * the run key, the param and the tag stay what they were before the fidelity vocabulary.
   */
  readonly fidelity: FidelityToken<'splitting'>;
  readonly warmup: string | null;
  readonly setting: SplitSetting;
  readonly key: string;
}

export function planSplits(sources: readonly ComputedSplitSource[]): PlannedRun<SplitsRunConfig>[] {
  const planned = sources.map((source) => {
    const config: SplitsRunConfig = { metric: source.metric, dataset: source.dataset, seed: source.seed, fidelity: fidelityToken('splitting', source.fidelity), warmup: source.warmup, setting: settingOf(source), key: splitSourceKey(source) };
    const tags = named<typeof SPLITS_TAGS, string>(SPLITS_TAGS, {
      metric: config.metric,
      dataset: config.dataset,
      seed: paramText(config.seed),
      fidelity: config.fidelity,
      warmup: paramText(config.warmup),
      source: describeSplitSource(source),
      key: config.key,
    });
    return { name: `${source.dataset}/${source.metric}`, config, tags };
  });
  const names = planned.map((p) => p.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InvalidInputError(`the splits stage plans two sources named ${twice}: give them distinct metrics or datasets`);
  return planned;
}

/** The source a run computes. */
export const sourceOfRun = (c: SplitsRunConfig): ComputedSplitSource => ({ kind: 'computed', metric: c.metric, dataset: c.dataset, seed: c.seed, fidelity: fidelityOfToken('splitting', c.fidelity), warmup: c.warmup, setting: c.setting });

/** The splitter's settings for a source. */
export function splitComputation(source: ComputedSplitSource): SplitComputation {
  const s = settingOf(source);
  return {
    metric: source.metric,
    dataset: source.dataset as MetricDataset,
    seed: source.seed,
    fidelity: source.fidelity,
    leaves: s.leaves,
    branching: s.branching,
    dropLeaves: false,
    edges: s.edges,
    ...(source.warmup !== null ? { warmup: source.warmup } : {}),
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    ...(s.batches !== undefined ? { batches: s.batches } : {}),
    ...(s.network !== undefined ? { network: s.network } : {}),
  };
}

/** Where the timing of a cached tree is kept, so a run that reuses the tree reports what it cost. */
const timingFileOf = (treeFile: string): string => treeFile.replace(/\.json$/, '.timing.json');

export interface SplitsRunResult {
  readonly timing: SplitTiming;
  /** True when the tree was already in the cache and nothing was computed. */
  readonly reused: boolean;
}

/**
 * Compute one split tree into the store's cache (or find it there: the cache is keyed by content),
 * copy it and its timing into `outDir` as artifacts, and log the timing. The tree is written
 * atomically by the splitter, which journals finished nodes beside it, so an interrupted run
 * resumes where it stopped.
 */
export async function executeSplits(config: SplitsRunConfig, run: MetricSink, outDir: string, store: SplitStore, cifar10?: () => Promise<Dataset>): Promise<SplitsRunResult> {
  const source = sourceOfRun(config);
  if (splitSourceKey(source) !== config.key) throw new InvalidInputError(`run config key ${config.key} is not the key of its source (${splitSourceKey(source)}): plan it again`);
  const treeFile = store.treeFile(source);
  const timingFile = timingFileOf(treeFile);
  const reused = store.has(source) && existsSync(timingFile);
  let timing: SplitTiming;
  if (reused) timing = JSON.parse(readFileSync(timingFile, 'utf8')) as SplitTiming;
  else {
    mkdirSync(dirname(treeFile), { recursive: true });
    timing = (await computeSplitTree(splitComputation(source), { out: treeFile, ...(cifar10 ? { cifar10 } : {}) })).timing;
    writeFileAtomic(timingFile, `${JSON.stringify(timing)}\n`);
  }
  const leaves = store.leaves(source, config.dataset); // read back through the strict reader
  copyFileSync(treeFile, join(outDir, SPLITS_ARTIFACTS.tree));
  copyFileSync(timingFile, join(outDir, SPLITS_ARTIFACTS.timing));
  await run.logMetrics(
    named(SPLITS_METRICS, {
      totalSeconds: timing.totalSeconds,
      evaluations: timing.evaluations,
      candidates: timing.candidates,
      computedNodes: timing.computedNodes,
      resumedNodes: timing.resumedNodes,
      leaves: leaves.length,
      reused: reused ? 1 : 0,
    }),
    0,
  );
  for (const [level, seconds] of timing.levelSeconds.entries()) await run.logMetrics(named(SPLITS_LEVEL_METRICS, { seconds }), level);
  return { timing, reused };
}
