import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { familiesOf, tableCsv, writeFigures } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { named, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import { loadPaperSplits, type Mask } from '@fsnas/nb201';
import { f3Distribution, type F3Result } from './analysis';
import type { F3Config } from './config';
import { F3_ARTIFACTS, F3_FAMILY_METRICS, F3_LEAF_METRICS, F3_SUMMARY_METRICS, F3_TAGS, SUMMARY } from './schema';

/** One MLflow run: one metric family on one dataset, or (metric 'all') the dataset's summary with the figures. */
export interface F3RunConfig {
  readonly dataset: Setting;
  readonly metric: string;
  readonly source: 'paper';
  readonly png: boolean;
}

export function planF3(config: F3Config): PlannedRun<F3RunConfig>[] {
  return config.datasets.flatMap((dataset) => {
    const metrics = config.metrics === 'all' ? [...familiesOf(loadPaperSplits(), dataset).keys()] : config.metrics;
    return [...metrics, SUMMARY].map((metric) => ({
      name: `${dataset}/${metric}`,
      config: { dataset, metric, source: 'paper' as const, png: config.png },
      tags: named(F3_TAGS, { dataset, metric, source: 'paper' }),
    }));
  });
}

function leavesOf(families: ReadonlyMap<string, readonly Mask[]>, metric: string): readonly Mask[] {
  const leaves = families.get(metric);
  if (!leaves) throw new InvalidInputError(`no paper split for metric '${metric}'; available: ${[...families.keys()].join(', ')}`);
  return leaves;
}


/** Compute one planned run: log its metrics and write its tables (and, for the summary, figures) into outDir. */
export async function executeF3(config: F3RunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<F3Result> {
  const families = familiesOf(inputs.paperSplits(), config.dataset);
  const chosen = config.metric === SUMMARY ? families : new Map([[config.metric, leavesOf(families, config.metric)]]);
  const result = f3Distribution(inputs.benchmark(), new Map([[config.dataset, chosen]]), config.dataset);
  writeFileSync(join(outDir, F3_ARTIFACTS.leaves), tableCsv(result.leaves));
  writeFileSync(join(outDir, F3_ARTIFACTS.metrics), tableCsv(result.metrics));
  if (config.metric === SUMMARY) {
    const rows = result.metrics;
    const share = (f: (r: (typeof rows)[number]) => boolean): number => rows.filter(f).length / rows.length;
    await run.logMetrics(
      named(F3_SUMMARY_METRICS, {
        families: rows.length,
        shareBestMeanHoldsBest: share((r) => r.bestMeanHoldsBest),
        meanTop1ShareOfBestMeanLeaf: rows.reduce((a, r) => a + r.top1ShareOfBestMeanLeaf, 0) / rows.length,
        meanRankOfBestLeaf: rows.reduce((a, r) => a + r.meanRankOfBestLeaf, 0) / rows.length,
      }),
      0,
    );
    await writeFigures(result.figures, outDir, { png: config.png });
    return result;
  }
  const m = result.metrics[0];
  if (m) {
    await run.logMetrics(named(F3_FAMILY_METRICS, { ...m, bestMeanHoldsBest: m.bestMeanHoldsBest ? 1 : 0 }), 0);
  }
  // Per-leaf curves: step = leaf index, so the MLflow UI plots each statistic across the 8 leaves.
  for (const l of result.leaves) {
    await run.logMetrics(named(F3_LEAF_METRICS, { ...l, holdsBest: l.holdsBest ? 1 : 0 }), l.leaf);
  }
  return result;
}
