import { InvalidInputError } from '@fsnas/core';
import { groupedBarFigure, tableFigure, type FigureSpec } from '@fsnas/analysis';
import type { FindingRun } from '@fsnas/experiments';
import { SEARCH_EPOCH_METRICS } from '@fsnas/search';
import { F2_RESULT_METRICS, F2_SEARCH_METRICS, F2_TAGS } from './schema';

/** One finished F2 search: what a notebook reads back from the run's tags and metrics. */
export interface F2Search {
  /** The MLflow run it was read from. */
  readonly runId: string;
  readonly algo: string;
  readonly seed: number;
  /** 'full' or a split family. */
  readonly family: string;
  /** Leaf index; null on the full space. */
  readonly leaf: number | null;
  /** Benchmark accuracy of the derived architecture. */
  readonly accuracy: number;
  /** Best and mean benchmark accuracy of the searched (sub-)space. */
  readonly leafBest: number;
  readonly leafMean: number;
  /** The supernet's validation accuracy after its last epoch: what a user without ground truth can rank leaves by. */
  readonly validAccuracy: number;
}

/** An F2 search from its MLflow run (tags, the seed param, the last value of each metric). */
export function f2SearchOfRun(run: Pick<FindingRun, 'runId' | 'name' | 'params' | 'tags' | 'metrics'>): F2Search {
  const number = (value: number | undefined, what: string): number => {
    if (value === undefined || !Number.isFinite(value)) throw new InvalidInputError(`F2 run ${run.name} (${run.runId}) has no finite ${what}`);
    return value;
  };
  const leaf = run.tags[F2_TAGS.leaf];
  return {
    runId: run.runId,
    algo: run.tags[F2_TAGS.algo] ?? '',
    seed: number(Number(run.params['seed']), 'seed param'),
    family: run.tags[F2_TAGS.family] ?? '',
    leaf: leaf === 'none' ? null : number(Number(leaf), 'leaf tag'),
    accuracy: number(run.metrics[F2_SEARCH_METRICS.accuracy], F2_SEARCH_METRICS.accuracy),
    leafBest: number(run.metrics[F2_RESULT_METRICS.leafBest], F2_RESULT_METRICS.leafBest),
    leafMean: number(run.metrics[F2_RESULT_METRICS.leafMean], F2_RESULT_METRICS.leafMean),
    validAccuracy: number(run.metrics[SEARCH_EPOCH_METRICS.validAcc], SEARCH_EPOCH_METRICS.validAcc),
  };
}

/** Splitting against not splitting, for one algorithm and one split family. */
export interface F2Row {
  readonly algo: string;
  readonly family: string;
  /** Derived accuracy of the same algorithm on the full space. */
  readonly full: number;
  readonly leaves: number;
  readonly meanDerived: number;
  /** Best derived accuracy over the leaves (an oracle choice of leaf: what perfect selection would give). */
  readonly bestDerived: number;
  /** Mean over leaves of (leaf best − derived): how far search falls short inside a leaf. */
  readonly meanRegretInLeaf: number;
  /** Leaves whose derived architecture beats the full-space search. */
  readonly leavesBeatingFull: number;
}

/**
 * The F2 table: for each algorithm and family, the full-space baseline next to the leaves' derived
 * accuracies and the best accuracy each leaf holds. Families without a full-space run of the same
 * algorithm cannot be compared and are an error, not a silent gap.
 */
export function f2Table(searches: readonly F2Search[]): F2Row[] {
  checkDistinct(searches);
  const fullOf = new Map(searches.filter((s) => s.leaf === null).map((s) => [s.algo, s.accuracy]));
  const groups = new Map<string, F2Search[]>();
  for (const s of searches) {
    if (s.leaf === null) continue;
    const key = `${s.algo}\u0000${s.family}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((leaves) => {
    const { algo, family } = leaves[0] as F2Search;
    const full = fullOf.get(algo);
    if (full === undefined) throw new InvalidInputError(`F2: ${algo} has leaf searches on ${family} but no full-space search to compare with`);
    const derived = leaves.map((l) => l.accuracy);
    return {
      algo,
      family,
      full,
      leaves: leaves.length,
      meanDerived: mean(derived),
      bestDerived: Math.max(...derived),
      meanRegretInLeaf: mean(leaves.map((l) => l.leafBest - l.accuracy)),
      leavesBeatingFull: derived.filter((a) => a > full).length,
    };
  });
}

/** One algorithm on one split: each leaf's derived accuracy against the leaf's best, with the full-space search as a line. */
export function f2LeafFigure(searches: readonly F2Search[], algo: string, family: string): FigureSpec {
  const leaves = searches.filter((s) => s.algo === algo && s.family === family && s.leaf !== null).sort((a, b) => (a.leaf as number) - (b.leaf as number));
  if (leaves.length === 0) throw new InvalidInputError(`F2: no ${algo} searches on the leaves of ${family}`);
  const full = searches.find((s) => s.algo === algo && s.leaf === null);
  const categories = leaves.map((s) => `leaf ${s.leaf}`);
  return groupedBarFigure({
    title: `${algo} on the ${family} split: derived architecture per leaf vs the leaf's best (CIFAR-10 test accuracy)`,
    categories,
    series: [
      { name: 'derived in leaf', values: leaves.map((s) => s.accuracy) },
      { name: 'best in leaf', values: leaves.map((s) => s.leafBest) },
    ],
    yTitle: 'accuracy (%)',
    // NB201 accuracies sit a few points below 95 %: an axis from 0 would flatten every difference.
    yRange: [Math.floor(Math.min(...leaves.map((s) => s.accuracy), full?.accuracy ?? 100)) - 2, Math.ceil(Math.max(...leaves.map((s) => s.leafBest))) + 1],
    ...(full ? { reference: { name: `${algo} on the full space`, value: full.accuracy } } : {}),
  });
}

export function f2TableFigure(rows: readonly F2Row[]): FigureSpec {
  return tableFigure({
    title: 'F2: one-shot search on the full space vs on each leaf (CIFAR-10 test accuracy, %)',
    header: ['algorithm', 'split', 'full space', 'leaves', 'mean derived', 'best derived', 'mean regret in leaf', 'leaves > full'],
    rows: rows.map((r) => [r.algo, r.family, r.full.toFixed(2), r.leaves, r.meanDerived.toFixed(2), r.bestDerived.toFixed(2), r.meanRegretInLeaf.toFixed(2), `${r.leavesBeatingFull}/${r.leaves}`]),
  });
}

/** The row of the full space in the paper's tables. */
export const NO_SPLIT = 'none';

/** One cell of the paper-format table: one split family (or `none`) × one algorithm, over seeds. */
export interface F2Cell {
  /** `none` for the full space, a paper family name, or `ours:<metric>` for our computed split. */
  readonly family: string;
  readonly algo: string;
  /** The paper's statistic: the best derived accuracy over the family's leaves (the full space's own search for `none`); mean over seeds. */
  readonly bestOf8: number;
  /** Mean derived accuracy over the leaves; mean over seeds. */
  readonly mean: number;
  /** Derived accuracy in the leaf whose supernet validates best (a user's choice without ground truth); mean over seeds. */
  readonly selected: number;
  /** Sample standard deviation of best-of-8 over seeds; null with one seed. */
  readonly std: number | null;
  readonly seeds: readonly number[];
  /** Leaves searched with every seed, of `planned` (the plan's leaves of the family; 1 for the full space): a cut-short grid says what is missing. */
  readonly leaves: number;
  readonly planned: number;
  /** The MLflow runs the cell was computed from. */
  readonly runs: readonly string[];
}

/**
 * The F2 table in the paper's format: one cell per split family (the full space as `none`) and
 * algorithm. Each seed gives a best-of-leaves, a mean and a validation-selected accuracy; the cell
 * averages them over the seeds that searched every one of the cell's leaves searched at all.
 */
export function f2PaperTable(searches: readonly F2Search[], plannedLeaves: (algo: string, family: string) => number = () => 8): F2Cell[] {
  checkDistinct(searches);
  const groups = new Map<string, F2Search[]>();
  for (const s of searches) {
    const family = s.leaf === null ? NO_SPLIT : s.family;
    const key = `${family}\u0000${s.algo}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [family, algo] = key.split('\u0000') as [string, string];
    const seeds = [...new Set(group.map((s) => s.seed))].sort((a, b) => a - b);
    const leafIds = [...new Set(group.map((s) => s.leaf ?? -1))];
    const perSeed = seeds.map((seed) => {
      const runs = group.filter((s) => s.seed === seed);
      if (runs.length !== leafIds.length) throw new InvalidInputError(`F2: ${algo} on ${family} searched ${leafIds.length} leaves in all but ${runs.length} with seed ${seed}; a cell compares seeds over the same leaves`);
      const accuracies = runs.map((r) => r.accuracy);
      const chosen = runs.reduce((a, b) => (b.validAccuracy > a.validAccuracy ? b : a));
      return { best: Math.max(...accuracies), mean: mean(accuracies), selected: chosen.accuracy };
    });
    const bests = perSeed.map((p) => p.best);
    return {
      family,
      algo,
      bestOf8: mean(bests),
      mean: mean(perSeed.map((p) => p.mean)),
      selected: mean(perSeed.map((p) => p.selected)),
      std: seeds.length > 1 ? Math.sqrt(bests.reduce((a, b) => a + (b - mean(bests)) ** 2, 0) / (bests.length - 1)) : null,
      seeds,
      leaves: leafIds.length,
      planned: family === NO_SPLIT ? 1 : plannedLeaves(algo, family),
      runs: group.map((s) => s.runId).sort(),
    };
  });
}

/** Per algorithm: of the families searched with every leaf, how many have a best-of-8 above the full space's search. */
export function splittingWins(cells: readonly Pick<F2Cell, 'algo' | 'family' | 'bestOf8' | 'leaves' | 'planned'>[]): { readonly algo: string; readonly wins: number; readonly families: number }[] {
  const algos = [...new Set(cells.map((c) => c.algo))].sort();
  return algos.map((algo) => {
    const full = cells.find((c) => c.algo === algo && c.family === NO_SPLIT);
    const complete = cells.filter((c) => c.algo === algo && c.family !== NO_SPLIT && c.leaves === c.planned);
    return { algo, wins: full ? complete.filter((c) => c.bestOf8 > full.bestOf8).length : 0, families: full ? complete.length : 0 };
  });
}

/** One search per algorithm, space and seed: two mean runs of several budgets were mixed. */
function checkDistinct(searches: readonly F2Search[]): void {
  const seen = new Set<string>();
  for (const s of searches) {
    const key = `${s.algo} ${s.family} ${s.leaf ?? 'full'} seed ${s.seed}`;
    if (seen.has(key)) throw new InvalidInputError(`F2: two searches of ${key}; were runs of several budgets mixed? Select one budget's runs`);
    seen.add(key);
  }
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
