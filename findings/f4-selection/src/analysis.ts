import { isSetting, type Benchmark } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { groupedBarFigure, heatmapFigure, type FigureSpec, bestSampleMean, derivedBest, evaluateSelection, oracle, seedRange, selectionProblem, successiveHalving, uniformRandom, zeroCostMean, type SelectionMethod, type SelectionResult, familiesOf, type SplitsByDataset, DEFAULT_ZERO_COST_PROXY, hasZeroCostScores, loadZeroCostScores } from '@fsnas/analysis';

export interface F4Options {
  /** Number of seeds (0..seeds-1 offset by baseSeed); default 32, the MaxUCB setup. */
  readonly seeds?: number;
  readonly baseSeed?: number;
  /** Architectures sampled per leaf by the best-mean method; default 600 (MaxUCB). */
  readonly samples?: number;
  /** Successive-halving total budget; default samples × leaves, the best-mean method's budget. */
  readonly budget?: number;
  readonly eta?: number;
  /** Zero-cost proxy for the mean-score method (default nwot); null to skip it. Needs published scores for the dataset. */
  readonly proxy?: string | null;
  /** metric -> per-leaf derived accuracies of one-shot search runs (GM-NAS rule); metrics without entry skip it. */
  readonly derived?: ReadonlyMap<string, readonly (readonly number[])[]>;
}

export interface F4Row {
  readonly metric: string;
  readonly method: string;
  readonly evaluations: number;
  readonly meanRegret: number;
  readonly stdRegret: number;
  readonly medianRegret: number;
  readonly maxRegret: number;
  readonly zeroRegretRate: number;
  /** How often each leaf was chosen, by leaf index. */
  readonly chosenCounts: readonly number[];
}

export interface F4Result {
  readonly dataset: string;
  readonly seeds: readonly number[];
  readonly methods: readonly string[];
  readonly rows: readonly F4Row[];
  /** Raw per-seed results, for notebooks that want distributions. */
  readonly results: Readonly<Record<string, readonly SelectionResult[]>>;
  /** Methods skipped and why (e.g. no zero-cost scores for CIFAR-100). */
  readonly skipped: readonly string[];
  readonly figures: Readonly<Record<string, FigureSpec>>;
}

/**
 * F4, selection: the regret of each sub-supernet selection method, per metric family of one dataset,
 * over seeds. Tests the claim "proposed supernet selection methods are flawed".
 */
export function f4Selection(bench: Benchmark, splits: SplitsByDataset, dataset: string, options: F4Options = {}): F4Result {
  if (!isSetting(dataset)) throw new InvalidInputError(`dataset must be a benchmark setting (cifar10, cifar100, ImageNet16-120), got '${dataset}'`);
  const families = familiesOf(splits, dataset);
  const seeds = seedRange(options.seeds ?? 32, options.baseSeed ?? 0);
  const samples = options.samples ?? 600;
  const accuracy = bench.accuracy(dataset);
  const skipped: string[] = [];
  const proxy = options.proxy === undefined ? DEFAULT_ZERO_COST_PROXY : options.proxy;
  let zeroCost: SelectionMethod | undefined;
  if (proxy !== null) {
    if (hasZeroCostScores(dataset)) zeroCost = zeroCostMean(loadZeroCostScores(bench, dataset, proxy), { proxy });
    else skipped.push(`zero-cost-${proxy}: no published scores for ${dataset}`);
  }
  const rows: F4Row[] = [];
  const results: Record<string, readonly SelectionResult[]> = {};
  const methodNames = new Set<string>();
  for (const [metric, masks] of families) {
    const problem = selectionProblem(accuracy, masks.map((m) => bench.indicesOf(m)));
    const leaves = masks.length;
    const budget = options.budget ?? samples * leaves;
    const methods: SelectionMethod[] = [
      oracle(),
      uniformRandom(),
      bestSampleMean({ samples }),
      successiveHalving({ budget, eta: options.eta ?? 2, statistic: 'max' }),
      successiveHalving({ budget, eta: options.eta ?? 2, statistic: 'mean' }),
    ];
    if (zeroCost) methods.push(zeroCost);
    const derived = options.derived?.get(metric);
    if (derived) methods.push(derivedBest(derived));
    else if (options.derived) skipped.push(`gm-nas-derived for ${metric}: no search results`);
    const evaluated = evaluateSelection(problem, methods, seeds);
    results[metric] = evaluated;
    for (const r of evaluated) {
      methodNames.add(r.method);
      const counts = new Array<number>(leaves).fill(0);
      for (const c of r.chosen) counts[c] = (counts[c] as number) + 1;
      rows.push({
        metric,
        method: r.method,
        evaluations: r.evaluations,
        meanRegret: r.meanRegret,
        stdRegret: r.stdRegret,
        medianRegret: r.medianRegret,
        maxRegret: r.maxRegret,
        zeroRegretRate: r.zeroRegretRate,
        chosenCounts: counts,
      });
    }
  }
  const methods = [...methodNames];
  const metrics = [...families.keys()];
  const value = (metric: string, method: string, f: (r: F4Row) => number): number => {
    const row = rows.find((r) => r.metric === metric && r.method === method);
    return row ? f(row) : NaN;
  };
  const figures: Record<string, FigureSpec> = {
    [`f4-regret-${dataset}`]: groupedBarFigure({
      title: `Regret of sub-supernet selection (${dataset}, ${seeds.length} seeds; bars = mean, error = std)`,
      categories: metrics,
      series: methods.map((method) => ({
        name: method,
        values: metrics.map((m) => value(m, method, (r) => r.meanRegret)),
        errors: metrics.map((m) => value(m, method, (r) => r.stdRegret)),
      })),
      yTitle: 'regret (accuracy points)',
      width: 1500,
      height: 600,
    }),
    [`f4-regret-table-${dataset}`]: heatmapFigure({
      title: `Mean regret per method and metric (${dataset}, ${seeds.length} seeds)`,
      x: methods,
      y: metrics,
      z: metrics.map((m) => methods.map((method) => value(m, method, (r) => r.meanRegret))),
      colorscale: 'Reds',
      zmin: 0,
      colorbarTitle: 'regret',
      width: 1100,
    }),
  };
  return { dataset, seeds, methods, rows, results, skipped: [...new Set(skipped)], figures };
}
