import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { f3Distribution, familiesOf, groundTruth, tableCsv, writeFigures, type F3Result } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import type { Budget, Finding, MetricSink, PlannedRun } from '@fsnas/experiments';
import type { Mask } from '@fsnas/nb201';
import { F3_CONFIG, type F3Config } from './config';

/** One MLflow run: one metric family on one dataset, or (metric 'all') the dataset's summary with the figures. */
export interface F3RunConfig {
  readonly dataset: Setting;
  readonly metric: string;
  readonly source: 'paper';
  readonly png: boolean;
}

export const SUMMARY = 'all';


export function planF3(config: F3Config): PlannedRun<F3RunConfig>[] {
  return config.datasets.flatMap((dataset) => {
    const metrics = config.metrics === 'all' ? [...familiesOf(groundTruth().splits, dataset).keys()] : config.metrics;
    return [...metrics, SUMMARY].map((metric) => ({
      name: `${dataset}/${metric}`,
      config: { dataset, metric, source: 'paper' as const, png: config.png },
      tags: { dataset, metric, source: 'paper' },
    }));
  });
}

function leavesOf(families: ReadonlyMap<string, readonly Mask[]>, metric: string): readonly Mask[] {
  const leaves = families.get(metric);
  if (!leaves) throw new InvalidInputError(`no paper split for metric '${metric}'; available: ${[...families.keys()].join(', ')}`);
  return leaves;
}


/** Compute one planned run: log its metrics and write its tables (and, for the summary, figures) into outDir. */
export async function executeF3(config: F3RunConfig, run: MetricSink, outDir: string): Promise<F3Result> {
  const families = familiesOf(groundTruth().splits, config.dataset);
  const chosen = config.metric === SUMMARY ? families : new Map([[config.metric, leavesOf(families, config.metric)]]);
  const result = f3Distribution(groundTruth().bench, new Map([[config.dataset, chosen]]), config.dataset);
  writeFileSync(join(outDir, 'leaves.csv'), tableCsv(result.leaves));
  writeFileSync(join(outDir, 'metrics.csv'), tableCsv(result.metrics));
  if (config.metric === SUMMARY) {
    const rows = result.metrics;
    const share = (f: (r: (typeof rows)[number]) => boolean): number => rows.filter(f).length / rows.length;
    await run.logMetrics(
      {
        families: rows.length,
        share_best_mean_leaf_holds_best: share((r) => r.bestMeanHoldsBest),
        mean_top1_share_of_best_mean_leaf: rows.reduce((a, r) => a + r.top1ShareOfBestMeanLeaf, 0) / rows.length,
        mean_rank_of_leaf_holding_best: rows.reduce((a, r) => a + r.meanRankOfBestLeaf, 0) / rows.length,
      },
      0,
    );
    await writeFigures(result.figures, outDir, { png: config.png });
    return result;
  }
  const m = result.metrics[0];
  if (m) {
    await run.logMetrics(
      {
        best_leaf_by_mean: m.bestLeafByMean,
        leaf_holding_best: m.leafHoldingBest,
        best_mean_leaf_holds_best: m.bestMeanHoldsBest ? 1 : 0,
        mean_rank_of_leaf_holding_best: m.meanRankOfBestLeaf,
        top1_share_of_best_mean_leaf: m.top1ShareOfBestMeanLeaf,
        top5_share_of_best_mean_leaf: m.top5ShareOfBestMeanLeaf,
        top1_max_share: m.top1MaxShare,
        mean_spread: m.meanSpread,
        min_leaf_size: m.minSize,
        max_leaf_size: m.maxSize,
        spearman_mean_vs_max: m.spearmanMeanVsMax,
        kendall_mean_vs_max: m.kendallMeanVsMax,
      },
      0,
    );
  }
  // Per-leaf curves: step = leaf index, so the MLflow UI plots each statistic across the 8 leaves.
  for (const l of result.leaves) {
    await run.logMetrics({ leaf_size: l.size, leaf_mean: l.mean, leaf_median: l.median, leaf_max: l.max, leaf_top1pct: l.top1pct, leaf_top5pct: l.top5pct, leaf_holds_best: l.holdsBest ? 1 : 0 }, l.leaf);
  }
  return result;
}

export const f3Finding: Finding<F3RunConfig> = {
  id: 'F3-distribution',
  claim: 'Architectures are distributed in disadvantageous ways inside splits.',
  describeBudget(budget: Budget): string {
    const c = F3_CONFIG[budget];
    return `${c.datasets.join(', ')} × ${c.metrics === 'all' ? 'all 10 paper families' : c.metrics.join(', ')}, one run per family plus a per-dataset summary with figures${c.png ? ' (PNG via Chromium)' : ' (HTML only)'}; benchmark look-ups only, seconds per run`;
  },
  plan: (budget) => planF3(F3_CONFIG[budget]),
  async execute(planned, { run, outDir }) {
    await executeF3(planned.config, run, outDir);
  },
};
