import { isSetting, type Benchmark } from '@fsnas/benchmark';
import { InvalidInputError, kendallTau, spearman } from '@fsnas/core';
import { familiesOf, familyStats, groupedBarFigure, groupedBoxFigure, heatmapFigure, type BoxStats, type FamilyStats, type FigureSpec, type SplitsByDataset } from '@fsnas/analysis';
import { f3FigureNames } from './schema';

/** One row per (metric, leaf): the per-leaf table of F3. */
export interface F3LeafRow {
  readonly metric: string;
  readonly leaf: number;
  readonly size: number;
  readonly mean: number;
  readonly median: number;
  readonly q25: number;
  readonly q75: number;
  readonly max: number;
  readonly bestIndex: number;
  readonly top1pct: number;
  readonly top5pct: number;
  readonly holdsBest: boolean;
}

/** One row per metric: does a leaf's average tell where the best architectures are? */
export interface F3MetricRow {
  readonly metric: string;
  readonly bestLeafByMean: number;
  readonly leafHoldingBest: number;
  /** Whether the leaf with the best mean also holds the global best. */
  readonly bestMeanHoldsBest: boolean;
  /** Rank (1 = best) by mean of the leaf holding the global best; 0 if no leaf holds it. */
  readonly meanRankOfBestLeaf: number;
  /** How many of the global top-1% / top-5% the best-by-mean leaf holds, and how many the family's leaves hold in all. */
  readonly top1InBestMeanLeaf: number;
  readonly top5InBestMeanLeaf: number;
  readonly top1Total: number;
  readonly top5Total: number;
  /** Share of the global top-1% / top-5% inside the best-by-mean leaf. */
  readonly top1ShareOfBestMeanLeaf: number;
  readonly top5ShareOfBestMeanLeaf: number;
  /** Largest share of the top-1% that any one leaf holds (1/leaves if spread evenly). */
  readonly top1MaxShare: number;
  /** Mean-accuracy gap between the best and the worst leaf, in accuracy points. */
  readonly meanSpread: number;
  readonly minSize: number;
  readonly maxSize: number;
  /** Rank agreement, across the leaves, between mean accuracy (what mean-based selection sees) and best accuracy (what regret counts). */
  readonly spearmanMeanVsMax: number;
  readonly kendallMeanVsMax: number;
}

export interface F3Result {
  readonly dataset: string;
  readonly stats: Readonly<Record<string, FamilyStats>>;
  readonly leaves: readonly F3LeafRow[];
  readonly metrics: readonly F3MetricRow[];
  readonly figures: Readonly<Record<string, FigureSpec>>;
}

/**
 * F3, distribution of architectures inside the splits: per-leaf accuracy statistics, leaf sizes and
 * where the global top architectures fall, for every family of one dataset. Tests the claim
 * "architectures are distributed in disadvantageous ways inside splits".
 */
export function f3Distribution(bench: Benchmark, splits: SplitsByDataset, dataset: string): F3Result {
  if (!isSetting(dataset)) throw new InvalidInputError(`dataset must be a benchmark setting (cifar10, cifar100, ImageNet16-120), got '${dataset}'`);
  const families = familiesOf(splits, dataset);
  const stats: Record<string, FamilyStats> = {};
  const leaves: F3LeafRow[] = [];
  const metrics: F3MetricRow[] = [];
  for (const [metric, masks] of families) {
    const s = familyStats(bench, masks, dataset, [0.05, 0.25, 0.5, 0.75, 0.95]);
    stats[metric] = s;
    for (const l of s.leaves) {
      leaves.push({
        metric,
        leaf: l.index,
        size: l.size,
        mean: l.mean,
        median: l.median,
        q25: l.quantiles['0.25'] as number,
        q75: l.quantiles['0.75'] as number,
        max: l.max,
        bestIndex: l.bestIndex,
        top1pct: l.top1pct,
        top5pct: l.top5pct,
        holdsBest: l.holdsBest,
      });
    }
    const top1 = s.leaves.reduce((a, l) => a + l.top1pct, 0);
    const top5 = s.leaves.reduce((a, l) => a + l.top5pct, 0);
    const byMean = [...s.leaves].sort((a, b) => b.mean - a.mean);
    const best = s.leaves[s.bestLeafByMean] as (typeof s.leaves)[number];
    metrics.push({
      metric,
      bestLeafByMean: s.bestLeafByMean,
      leafHoldingBest: s.leafHoldingBest,
      bestMeanHoldsBest: s.bestLeafByMean === s.leafHoldingBest,
      top1InBestMeanLeaf: best.top1pct,
      top5InBestMeanLeaf: best.top5pct,
      top1Total: top1,
      top5Total: top5,
      meanRankOfBestLeaf: s.leafHoldingBest < 0 ? 0 : byMean.findIndex((l) => l.index === s.leafHoldingBest) + 1,
      top1ShareOfBestMeanLeaf: top1 ? best.top1pct / top1 : 0,
      top5ShareOfBestMeanLeaf: top5 ? best.top5pct / top5 : 0,
      top1MaxShare: top1 ? Math.max(...s.leaves.map((l) => l.top1pct)) / top1 : 0,
      meanSpread: (byMean[0]?.mean ?? 0) - (byMean[byMean.length - 1]?.mean ?? 0),
      minSize: Math.min(...s.leaves.map((l) => l.size)),
      maxSize: Math.max(...s.leaves.map((l) => l.size)),
      spearmanMeanVsMax: spearman(s.leaves.map((l) => l.mean), s.leaves.map((l) => l.max)),
      kendallMeanVsMax: kendallTau(s.leaves.map((l) => l.mean), s.leaves.map((l) => l.max)),
    });
  }
  return { dataset, stats, leaves, metrics, figures: f3Figures(dataset, stats) };
}

/** Per family: the leaf with the best mean and the global top-1% / top-5% architectures it holds. */
export interface F3BestMeanLeafRow {
  readonly metric: string;
  readonly leaves: number;
  readonly bestLeafByMean: number;
  readonly bestLeafMean: number;
  readonly top1InBestMeanLeaf: number;
  readonly top1Total: number;
  readonly top5InBestMeanLeaf: number;
  readonly top5Total: number;
}

/**
 * The top-architecture counts of each family's best-by-mean leaf (lowest leaf on ties, as familyStats),
 * from F3's per-leaf rows (`leaves.csv`), so a notebook gets them from any logged run. Families in
 * first-seen order.
 */
export function f3BestMeanLeaf(leaves: readonly Pick<F3LeafRow, 'metric' | 'leaf' | 'mean' | 'top1pct' | 'top5pct'>[]): F3BestMeanLeafRow[] {
  const byMetric = new Map<string, Pick<F3LeafRow, 'leaf' | 'mean' | 'top1pct' | 'top5pct'>[]>();
  for (const l of leaves) {
    if (!Number.isInteger(l.leaf) || !Number.isFinite(l.mean) || !Number.isInteger(l.top1pct) || !Number.isInteger(l.top5pct)) {
      throw new InvalidInputError(`F3 leaf row ${JSON.stringify(l)}: leaf, mean, top1pct and top5pct must be numbers`);
    }
    byMetric.set(l.metric, [...(byMetric.get(l.metric) ?? []), l]);
  }
  return [...byMetric].map(([metric, rows]) => {
    const sorted = [...rows].sort((a, b) => a.leaf - b.leaf);
    const best = sorted.reduce((a, l) => (l.mean > a.mean ? l : a));
    return {
      metric,
      leaves: rows.length,
      bestLeafByMean: best.leaf,
      bestLeafMean: best.mean,
      top1InBestMeanLeaf: best.top1pct,
      top1Total: rows.reduce((a, l) => a + l.top1pct, 0),
      top5InBestMeanLeaf: best.top5pct,
      top5Total: rows.reduce((a, l) => a + l.top5pct, 0),
    };
  });
}

function f3Figures(dataset: string, stats: Readonly<Record<string, FamilyStats>>): Record<string, FigureSpec> {
  const names = Object.keys(stats);
  const width = Math.max(...names.map((m) => stats[m]?.leaves.length ?? 0));
  const leafIds = Array.from({ length: width }, (_, i) => i);
  const leafOf = (metric: string, i: number) => stats[metric]?.leaves[i];
  const box = (metric: string, i: number): BoxStats | null => {
    const l = leafOf(metric, i);
    // Whiskers at the 5% and 95% quantiles: the minima (~10%, untrainable cells) would squash every box.
    return l
      ? { q1: l.quantiles['0.25'] as number, median: l.median, q3: l.quantiles['0.75'] as number, lowerfence: l.quantiles['0.05'] as number, upperfence: l.quantiles['0.95'] as number, mean: l.mean }
      : null;
  };
  const cell = (metric: string, i: number, f: (l: NonNullable<ReturnType<typeof leafOf>>) => number): number | null => {
    const l = leafOf(metric, i);
    return l ? f(l) : null;
  };
  const name = f3FigureNames(dataset);
  return {
    [name.accuracyBoxes]: groupedBoxFigure({
      title: `Test accuracy inside each leaf (${dataset}; box = quartiles, whiskers = 5%/95%, dashed = mean)`,
      categories: names,
      series: leafIds.map((i) => ({ name: `leaf ${i}`, boxes: names.map((m) => box(m, i)) })),
      xTitle: 'split (metric family)',
      yTitle: 'test accuracy (%)',
      legendTitle: 'leaf',
      width: 1500,
      height: 620,
    }),
    [name.leafSizes]: groupedBarFigure({
      title: `Leaf sizes (architectures per sub-supernet, ${dataset})`,
      categories: names,
      series: leafIds.map((i) => ({ name: `leaf ${i}`, values: names.map((m) => cell(m, i, (l) => l.size) ?? 0) })),
      yTitle: 'architectures',
      barmode: 'stack',
    }),
    [name.topArchs]: heatmapFigure({
      title: `Where the global top-5% architectures fall (${dataset}; cell: top-1% / top-5% count, ★ = global best)`,
      x: leafIds.map((i) => `leaf ${i}`),
      y: names,
      z: names.map((m) => leafIds.map((i) => cell(m, i, (l) => l.top5pct))),
      text: names.map((m) => leafIds.map((i) => {
        const l = leafOf(m, i);
        return l ? `${l.top1pct} / ${l.top5pct}${l.holdsBest ? ' ★' : ''}` : '';
      })),
      colorscale: 'YlOrRd',
      colorbarTitle: 'top-5% count',
      width: 1000,
    }),
    [name.leafMeans]: heatmapFigure({
      title: `Mean test accuracy of each leaf (${dataset}; ★ = holds the global best)`,
      x: leafIds.map((i) => `leaf ${i}`),
      y: names,
      z: names.map((m) => leafIds.map((i) => cell(m, i, (l) => l.mean))),
      text: names.map((m) => leafIds.map((i) => {
        const l = leafOf(m, i);
        return l ? `${l.mean.toFixed(1)}${l.holdsBest ? ' ★' : ''}` : '';
      })),
      colorscale: 'Viridis',
      colorbarTitle: 'mean acc (%)',
      width: 1000,
    }),
  };
}
