import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { familiesOf, tableCsv, writeFigures } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { named, splitFamily, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import { loadPaperSplits } from '@fsnas/nb201';
import { describeSplitSource, type ComputedSplitSource } from '@fsnas/splitting';
import { f3Distribution, type F3Result } from './analysis';
import type { F3Config } from './config';
import { F3_ARTIFACTS, F3_FAMILY_METRICS, F3_LEAF_METRICS, F3_OURS_SUMMARY_METRICS, F3_SUMMARY_METRICS, F3_TAGS, SUMMARY } from './schema';

/**
 * One MLflow run: one split family on one dataset, the paper's (source 'paper') or one of ours (the
 * splits stage's computed source), or (metric 'all') the dataset's summary with the figures, which
 * sets our splits (`ours`) beside the paper's.
 */
export interface F3RunConfig {
  readonly dataset: Setting;
  readonly metric: string;
  readonly source: 'paper' | ComputedSplitSource;
  readonly png: boolean;
  /** The summary's own splits (absent on a family's run). */
  readonly ours?: readonly ComputedSplitSource[];
}

/** The paper's families and, side by side, `ours` computed on this dataset's images; one summary per dataset. */
export function planF3(config: F3Config, ours: readonly ComputedSplitSource[] = []): PlannedRun<F3RunConfig>[] {
  return config.datasets.flatMap((dataset) => {
    const metrics = config.metrics === 'all' ? [...familiesOf(loadPaperSplits(), dataset).keys()] : config.metrics;
    const mine = ours.filter((s) => s.dataset === dataset);
    const paper = metrics.map((metric) => ({
      name: `${dataset}/${metric}`,
      config: { dataset, metric, source: 'paper' as const, png: config.png },
      tags: named<typeof F3_TAGS, string>(F3_TAGS, { dataset, metric, source: 'paper' }),
    }));
    const computed = mine.map((source) => ({
      name: `${dataset}/${describeSplitSource(source)}`,
      config: { dataset, metric: source.metric, source, png: config.png },
      tags: named<typeof F3_TAGS, string>(F3_TAGS, { dataset, metric: source.metric, source: describeSplitSource(source) }),
    }));
    const summary = {
      name: `${dataset}/${SUMMARY}`,
      config: { dataset, metric: SUMMARY, source: 'paper' as const, png: config.png, ...(mine.length ? { ours: mine } : {}) },
      tags: named<typeof F3_TAGS, string>(F3_TAGS, { dataset, metric: SUMMARY, source: 'paper' }),
    };
    return [...paper, ...computed, summary];
  });
}

/** The summary's questions over a set of families. */
function summaryOf(rows: readonly F3Result['metrics'][number][]): { families: number; shareBestMeanHoldsBest: number; meanTop1ShareOfBestMeanLeaf: number; meanRankOfBestLeaf: number } {
  const mean = (f: (r: (typeof rows)[number]) => number): number => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  return {
    families: rows.length,
    shareBestMeanHoldsBest: mean((r) => (r.bestMeanHoldsBest ? 1 : 0)),
    meanTop1ShareOfBestMeanLeaf: mean((r) => r.top1ShareOfBestMeanLeaf),
    meanRankOfBestLeaf: mean((r) => r.meanRankOfBestLeaf),
  };
}


/** Compute one planned run: log its metrics and write its tables (and, for the summary, figures) into outDir. */
export async function executeF3(config: F3RunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<F3Result> {
  const ours = new Map((config.ours ?? []).map((source) => [describeSplitSource(source), inputs.splits().leaves(source, config.dataset)]));
  const family = config.metric === SUMMARY ? undefined : splitFamily(inputs, config.dataset, config.metric, config.source);
  const chosen = family ? new Map([[family.name, family.leaves]]) : new Map([...familiesOf(inputs.paperSplits(), config.dataset), ...ours]);
  const result = f3Distribution(inputs.benchmark(), new Map([[config.dataset, chosen]]), config.dataset);
  writeFileSync(join(outDir, F3_ARTIFACTS.leaves), tableCsv(result.leaves));
  writeFileSync(join(outDir, F3_ARTIFACTS.metrics), tableCsv(result.metrics));
  if (config.metric === SUMMARY) {
    // The paper's families and ours summarised apart, so the paper's numbers mean the same with or without ours.
    const paperRows = result.metrics.filter((r) => !ours.has(r.metric));
    const ourRows = result.metrics.filter((r) => ours.has(r.metric));
    await run.logMetrics({ ...named(F3_SUMMARY_METRICS, summaryOf(paperRows)), ...(ourRows.length ? named(F3_OURS_SUMMARY_METRICS, summaryOf(ourRows)) : {}) }, 0);
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
