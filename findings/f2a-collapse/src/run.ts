import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, writableDataDir, type Budget } from '@fsnas/core';
import { Benchmark } from '@fsnas/benchmark';
import { named, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import { Mask } from '@fsnas/nb201';
import { BUDGET_SPECS, logSearch, runBudgetSearch } from '@fsnas/search';
import { createSplitStore, type SplitStore } from '@fsnas/splitting';
import { collapseSummary, trajectoryOf } from './analysis';
import type { CollapseConfig, CollapseNet, CollapseSpace } from './config';
import { COLLAPSE_ARTIFACTS, COLLAPSE_RESULT_METRICS, COLLAPSE_TAGS, FULL } from './schema';

/** One MLflow run: one first-order DARTS search, its whole trajectory. */
export interface CollapseRunConfig {
  readonly algo: 'darts';
  readonly search: Budget;
  readonly epochs: number;
  readonly net: CollapseNet;
  /** 'full' or a paper split family. */
  readonly family: string;
  /** Leaf index (DFS order), null for the full space. */
  readonly leaf: number | null;
  readonly mask: number[][];
  readonly seed: number;
  readonly dataset: 'cifar10';
}

export const netLabel = (net: CollapseNet): string => `C${net.C}N${net.N}`;

/** The searched space of a line: the full space, or the leaf of a paper split holding the space's best architecture. */
function resolveSpace(space: CollapseSpace, store: SplitStore, bench: () => Benchmark): { family: string; leaf: number | null; mask: Mask } {
  if (space === 'full') return { family: FULL, leaf: null, mask: Mask.full() };
  const leaves = store.leaves({ kind: 'paper', metric: space.family }, 'cifar10');
  const b = bench();
  const best = b.arch(b.bestIndex('cifar10'));
  const leaf = leaves.findIndex((m) => m.contains(best));
  if (leaf < 0) throw new InvalidInputError(`F2a-collapse: no leaf of ${space.family} holds the space's best architecture`);
  return { family: space.family, leaf, mask: leaves[leaf] as Mask };
}

/**
 * The searches, seed by seed and within a seed line by line (the most telling first), so that a sweep
 * cut short still has every line with its first seeds.
 */
export function planCollapse(config: CollapseConfig, store: SplitStore = createSplitStore(), bench: () => Benchmark = () => Benchmark.load()): PlannedRun<CollapseRunConfig>[] {
  let loaded: Benchmark | undefined;
  const benchmark = (): Benchmark => (loaded ??= bench());
  const lines = config.lines.map((line) => ({ net: line.net, ...resolveSpace(line.space, store, benchmark) }));
  return config.seeds.flatMap((seed) =>
    lines.map(({ net: size, family, leaf, mask }) => {
      const net = netLabel(size);
      return {
        name: `darts/${net}/${family}${leaf === null ? '' : `/leaf${leaf}`}/seed${seed}`,
        config: { algo: 'darts' as const, search: config.search, epochs: config.epochs, net: size, family, leaf, mask: mask.toRows(), seed, dataset: 'cifar10' as const },
        tags: named(COLLAPSE_TAGS, { family, leaf: leaf === null ? 'none' : String(leaf), net, seed: String(seed), dataset: 'cifar10' }),
      };
    }),
  );
}

/**
 * One search, logged per epoch (libs/search logSearch: the derived cell's accuracy, its parameter-free
 * ops, α's entropy per edge) and summarised (where it collapsed). It checkpoints after every epoch
 * under the data folder, so an interrupted sweep resumes mid-search.
 */
export async function executeCollapse(config: CollapseRunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<void> {
  await inputs.backend();
  const name = `darts-${netLabel(config.net)}-${config.family}${config.leaf === null ? '' : `-leaf${config.leaf}`}-${config.search}-e${config.epochs}-${config.seed}`;
  const cifar10 = await inputs.cifar10();
  const { result } = await runBudgetSearch({
    algo: config.algo,
    mask: Mask.fromRows(config.mask),
    budget: config.search,
    net: config.net,
    epochs: config.epochs,
    seed: config.seed,
    cifar10,
    benchmark: inputs.benchmark(),
    checkpointPath: join(writableDataDir(), 'checkpoints', 'f2a-collapse', `${name}.ckpt`),
  });
  await logSearch(run, result);
  const spec = BUDGET_SPECS[config.search];
  const stepsPerEpoch = spec.trainBatches ?? Math.ceil((spec.imagesPerHalf ?? 25_000) / spec.batchSize);
  const c = collapseSummary(trajectoryOf(result.epochs), stepsPerEpoch);
  await run.logMetrics(
    named(COLLAPSE_RESULT_METRICS, {
      onsetEpoch: c.onsetEpoch ?? Number.NaN,
      onsetStep: c.onsetStep ?? Number.NaN,
      onsetSeconds: c.onsetSeconds ?? Number.NaN,
      peakAccuracy: c.peakAccuracy,
      peakEpoch: c.peakEpoch,
      finalAccuracy: c.finalAccuracy,
      finalParamFreeOps: c.finalParamFreeOps,
      stepsPerEpoch,
    }),
    0,
  );
  writeFileSync(join(outDir, COLLAPSE_ARTIFACTS.result), `${JSON.stringify({ ...config, budget: spec.description, stepsPerEpoch, derived: result.derived, summary: c, epochs: result.epochs }, null, 1)}\n`);
}

