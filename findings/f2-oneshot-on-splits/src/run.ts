import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, writableDataDir, type Budget } from '@fsnas/core';
import { named, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import { Mask } from '@fsnas/nb201';
import { BUDGET_SPECS, logSearch, runBudgetSearch, type AlgoName } from '@fsnas/search';
import { createSplitStore, describeSplitSource, type SplitSource, type SplitStore } from '@fsnas/splitting';
import type { F2Config } from './config';
import { F2_ARTIFACTS, F2_RESULT_METRICS, F2_TAGS, FULL } from './schema';

/** One MLflow run: one algorithm on the full space or on one leaf of one split family. */
export interface F2RunConfig {
  readonly algo: AlgoName;
  readonly search: Budget;
  /** 'full', a paper split family, or one of our splits (its label, `ours:<metric>…`). */
  readonly family: string;
  /** Leaf index (DFS order), null for the full space. */
  readonly leaf: number | null;
  readonly mask: number[][];
  readonly seed: number;
  readonly dataset: 'cifar10';
}

/**
 * The searches: each algorithm on the full space and on the leaves of each family, a paper split
 * (named) or one of ours (read from the splits stage's cache in `store`; the masks go into the run
 * configs, so executing a run reads no split).
 */
export function planF2(config: F2Config, store: SplitStore = createSplitStore()): PlannedRun<F2RunConfig>[] {
  const runs: PlannedRun<F2RunConfig>[] = [];
  for (const group of config.groups) {
    for (const algo of group.algos) {
      for (const seed of group.seeds) {
        // One seed keeps the names of the runs before groups had seeds; several name each seed's runs.
        const suffix = group.seeds.length > 1 ? `/seed${seed}` : '';
        const base = { algo, search: config.search, seed, dataset: 'cifar10' as const };
        runs.push({ name: `${algo}/${FULL}${suffix}`, config: { ...base, family: FULL, leaf: null, mask: Mask.full().toRows() }, tags: named(F2_TAGS, { algo, family: FULL, leaf: 'none', dataset: 'cifar10' }) });
        for (const entry of group.families) {
          const source: SplitSource = typeof entry === 'string' ? { kind: 'paper', metric: entry } : entry;
          const family = typeof entry === 'string' ? entry : describeSplitSource(entry);
          const leaves = store.leaves(source, 'cifar10');
          for (const leaf of config.leaves ?? leaves.map((_, i) => i)) {
            const mask = leaves[leaf];
            if (!mask) throw new InvalidInputError(`split ${family} has no leaf ${leaf}`);
            runs.push({ name: `${algo}/${family}/leaf${leaf}${suffix}`, config: { ...base, family, leaf, mask: mask.toRows() }, tags: named(F2_TAGS, { algo, family, leaf: String(leaf), dataset: 'cifar10' }) });
          }
        }
      }
    }
  }
  const names = runs.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new InvalidInputError(`F2 plans the search ${twice} twice: an algorithm is in two groups with the same seed`);
  return runs;
}


/**
 * One search, logged per epoch (losses, accuracies, NB201 accuracy of the derived arch) and summarised:
 * the derived architecture's accuracy, the leaf's best and mean accuracy, and the regret against the
 * leaf's best and the whole space's best. The search checkpoints under the data folder, so an
 * interrupted run resumes where it stopped.
 */
export async function executeF2(config: F2RunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<{ derived: string; accuracy: number | null }> {
  await inputs.backend();
  const mask = Mask.fromRows(config.mask);
  const name = `${config.algo}-${config.family}${config.leaf === null ? '' : `-leaf${config.leaf}`}-${config.search}-${config.seed}`;
  const { result } = await runBudgetSearch({
    algo: config.algo,
    mask,
    budget: config.search,
    seed: config.seed,
    cifar10: await inputs.cifar10(),
    benchmark: inputs.benchmark(),
    checkpointPath: join(writableDataDir(), 'checkpoints', 'f2', `${name}.ckpt`),
  });
  await logSearch(run, result);
  const b = inputs.benchmark();
  const stats = b.stats(mask, 'cifar10');
  const spaceBest = b.accuracy('cifar10')[b.bestIndex('cifar10')] as number;
  const acc = result.accuracy ?? Number.NaN;
  await run.logMetrics(
    named(F2_RESULT_METRICS, {
      leafSize: mask.size,
      leafBest: stats.max,
      leafMean: stats.mean,
      regretVsLeafBest: stats.max - acc,
      regretVsSpaceBest: spaceBest - acc,
    }),
    0,
  );
  writeFileSync(join(outDir, F2_ARTIFACTS.result), `${JSON.stringify({ ...config, budget: BUDGET_SPECS[config.search].description, derived: result.derived, accuracy: result.accuracy, leaf_best: stats.max, leaf_mean: stats.mean, epochs: result.epochs, alpha: result.alpha }, null, 1)}\n`);
  return { derived: result.derived, accuracy: result.accuracy };
}
