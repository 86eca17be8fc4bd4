import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError, writableDataDir } from '@fsnas/core';
import { loadCifar10, type Dataset } from '@fsnas/data';
import type { Budget, Finding, MetricSink, PlannedRun } from '@fsnas/experiments';
import { Mask, loadPaperSplits, type PaperSplits } from '@fsnas/nb201';
import { initBackend } from '@fsnas/nn';
import { BUDGET_SPECS, runBudgetSearch, type AlgoName, type SearchBudget } from '@fsnas/search';
import { F2_CONFIG, type F2Config } from './config';

/** One MLflow run: one algorithm on the full space or on one leaf of one split family. */
export interface F2RunConfig {
  readonly algo: AlgoName;
  readonly search: SearchBudget;
  /** 'full' or a paper split family. */
  readonly family: string;
  /** Leaf index (DFS order), null for the full space. */
  readonly leaf: number | null;
  readonly mask: number[][];
  readonly seed: number;
  readonly dataset: 'cifar10';
}

export const FULL = 'full';

let splits: PaperSplits | undefined;
let bench: Benchmark | undefined;
let cifar: Dataset | undefined;
const paper = (): PaperSplits => (splits ??= loadPaperSplits());
// Loaded once per process: every run reads the same tables and images.
const benchmark = (): Benchmark => (bench ??= Benchmark.load({ hw: false }));
const cifar10 = (): Dataset => (cifar ??= loadCifar10());

function familyLeaves(family: string): readonly Mask[] {
  const leaves = paper().get('cifar10')?.get(family);
  if (!leaves) throw new InvalidInputError(`no paper split '${family}' for cifar10; available: ${[...(paper().get('cifar10')?.keys() ?? [])].join(', ')}`);
  return leaves;
}

export function planF2(config: F2Config): PlannedRun<F2RunConfig>[] {
  const runs: PlannedRun<F2RunConfig>[] = [];
  for (const algo of config.algos) {
    const base = { algo, search: config.search, seed: config.seed, dataset: 'cifar10' as const };
    runs.push({ name: `${algo}/${FULL}`, config: { ...base, family: FULL, leaf: null, mask: Mask.full().toRows() }, tags: { algo, family: FULL, leaf: 'none', dataset: 'cifar10' } });
    for (const family of config.families) {
      const leaves = familyLeaves(family);
      for (const leaf of config.leaves ?? leaves.map((_, i) => i)) {
        const mask = leaves[leaf];
        if (!mask) throw new InvalidInputError(`split ${family} has no leaf ${leaf}`);
        runs.push({ name: `${algo}/${family}/leaf${leaf}`, config: { ...base, family, leaf, mask: mask.toRows() }, tags: { algo, family, leaf: String(leaf), dataset: 'cifar10' } });
      }
    }
  }
  return runs;
}


/**
 * One search, logged per epoch (losses, accuracies, NB201 accuracy of the derived arch) and summarised:
 * the derived architecture's accuracy, the leaf's best and mean accuracy, and the regret against the
 * leaf's best and the whole space's best. The search checkpoints under the data folder, so an
 * interrupted run resumes where it stopped.
 */
export async function executeF2(config: F2RunConfig, run: MetricSink, outDir: string): Promise<{ derived: string; accuracy: number | null }> {
  await initBackend({ log: false });
  const mask = Mask.fromRows(config.mask);
  const name = `${config.algo}-${config.family}${config.leaf === null ? '' : `-leaf${config.leaf}`}-${config.search}-${config.seed}`;
  const { result } = await runBudgetSearch({
    algo: config.algo,
    mask,
    budget: config.search,
    seed: config.seed,
    cifar10: cifar10(),
    benchmark: benchmark(),
    checkpointPath: join(writableDataDir(), 'checkpoints', 'f2', `${name}.ckpt`),
  });
  // Logged from the result, not per epoch as it happens, so epochs restored from a checkpoint are logged too.
  for (const e of result.epochs) {
    await run.logMetrics(
      { train_loss: e.trainLoss, train_acc: e.trainAcc, valid_loss: e.validLoss, valid_acc: e.validAcc, lr: e.lr, nb201_accuracy: e.accuracy ?? Number.NaN, mask_size: e.maskSize, epoch_seconds: e.seconds },
      e.epoch,
    );
  }
  const b = benchmark();
  const stats = b.stats(mask, 'cifar10');
  const spaceBest = b.accuracy('cifar10')[b.bestIndex('cifar10')] as number;
  const acc = result.accuracy ?? Number.NaN;
  await run.logMetrics(
    {
      accuracy_test: acc,
      leaf_size: mask.size,
      leaf_best: stats.max,
      leaf_mean: stats.mean,
      regret_vs_leaf_best: stats.max - acc,
      regret_vs_space_best: spaceBest - acc,
      search_seconds: result.seconds,
    },
    0,
  );
  writeFileSync(join(outDir, 'result.json'), `${JSON.stringify({ ...config, budget: BUDGET_SPECS[config.search].description, derived: result.derived, accuracy: result.accuracy, leaf_best: stats.max, leaf_mean: stats.mean, epochs: result.epochs, alpha: result.alpha }, null, 1)}\n`);
  return { derived: result.derived, accuracy: result.accuracy };
}

export const f2Finding: Finding<F2RunConfig> = {
  id: 'F2-oneshot-on-splits',
  claim: 'One-shot search (DARTS, DARTS-2nd, SNAS, DSNAS, GDAS, RSPS) restricted to a metric-driven sub-supernet finds better architectures than on the full space.',
  order: 50,
  describeBudget(budget: Budget): string {
    const c = F2_CONFIG[budget];
    const n = planF2(c).length;
    return `${n} searches: ${c.algos.join(', ')} × (full space + ${c.leaves ? `leaves ${c.leaves.join(',')}` : 'all 8 leaves'} of ${c.families.join(', ')}) on CIFAR-10; each search: ${BUDGET_SPECS[c.search].description}`;
  },
  plan: (budget) => planF2(F2_CONFIG[budget]),
  // Each search takes a minute or more (laptop): worth a worker process each with `reproduce --jobs N`.
  parallel: true,
  async execute(planned, { run, outDir }) {
    await executeF2(planned.config, run, outDir);
  },
};
