import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { familiesOf, tableCsv, writeFigures } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { named, splitFamily, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import { loadPaperSplits } from '@fsnas/nb201';
import { describeSplitSource, type ComputedSplitSource } from '@fsnas/splitting';
import { f4Selection, type F4Result } from './analysis';
import type { F4Config } from './config';
import { F4_ARTIFACTS, F4_TAGS, SUMMARY, f4MethodMetrics } from './schema';

/**
 * One MLflow run: one split family on one dataset, the paper's (source 'paper') or one of ours (the
 * splits stage's computed source), or (metric 'all') the dataset's summary of the paper's families with figures.
 */
export interface F4RunConfig {
  readonly dataset: Setting;
  readonly metric: string;
  readonly source: 'paper' | ComputedSplitSource;
  readonly seeds: number;
  readonly samples: number;
  readonly budget: number | null;
  readonly proxy: string | null;
  readonly png: boolean;
}

/** The paper's families, then `ours` computed on this dataset's images side by side, then the summary. */
export function planF4(config: F4Config, ours: readonly ComputedSplitSource[] = []): PlannedRun<F4RunConfig>[] {
  const sizes = { seeds: config.seeds, samples: config.samples, budget: config.budget, proxy: config.proxy, png: config.png };
  return config.datasets.flatMap((dataset) => {
    const metrics = config.metrics === 'all' ? [...familiesOf(loadPaperSplits(), dataset).keys()] : config.metrics;
    const paper = [...metrics, SUMMARY].map((metric) => ({
      name: `${dataset}/${metric}`,
      config: { dataset, metric, source: 'paper' as const, ...sizes },
      tags: named<typeof F4_TAGS, string>(F4_TAGS, { dataset, metric, source: 'paper' }),
    }));
    const computed = ours
      .filter((source) => source.dataset === dataset)
      .map((source) => ({
        name: `${dataset}/${describeSplitSource(source)}`,
        config: { dataset, metric: source.metric, source, ...sizes },
        tags: named<typeof F4_TAGS, string>(F4_TAGS, { dataset, metric: source.metric, source: describeSplitSource(source) }),
      }));
    return [...paper.slice(0, -1), ...computed, ...paper.slice(-1)];
  });
}


/** Compute one planned run: regret per method (mean and per seed), the table, and for the summary the figures. */
export async function executeF4(config: F4RunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<F4Result> {
  const family = config.metric === SUMMARY ? undefined : splitFamily(inputs, config.dataset, config.metric, config.source);
  const chosen = family ? new Map([[family.name, family.leaves]]) : familiesOf(inputs.paperSplits(), config.dataset);
  const result = f4Selection(inputs.benchmark(), new Map([[config.dataset, chosen]]), config.dataset, {
    seeds: config.seeds,
    samples: config.samples,
    ...(config.budget !== null ? { budget: config.budget } : {}),
    proxy: config.proxy,
  });
  const rows = result.rows.map((r) => ({ ...r, chosenCounts: r.chosenCounts.join(' ') }));
  writeFileSync(join(outDir, F4_ARTIFACTS.regret), tableCsv(rows));
  if (result.skipped.length) writeFileSync(join(outDir, F4_ARTIFACTS.skipped), `${result.skipped.join('\n')}\n`);
  if (config.metric === SUMMARY) {
    // Across families: each method's regret averaged over metrics (step 0).
    const perMethod = Object.fromEntries(
      result.methods.map((m) => {
        const mine = result.rows.filter((r) => r.method === m);
        return [f4MethodMetrics(m).meanRegret, mine.reduce((a, r) => a + r.meanRegret, 0) / mine.length];
      }),
    );
    await run.logMetrics(perMethod, 0);
    await writeFigures(result.figures, outDir, { png: config.png });
    return result;
  }
  const summary: Record<string, number> = {};
  for (const r of result.rows) {
    const names = f4MethodMetrics(r.method);
    summary[names.meanRegret] = r.meanRegret;
    summary[names.stdRegret] = r.stdRegret;
    summary[names.zeroRegretRate] = r.zeroRegretRate;
  }
  await run.logMetrics(summary, 0);
  // Per-seed regret as a curve (step = seed index), so its spread is visible in MLflow.
  const perSeed = family ? (result.results[family.name] ?? []) : [];
  for (let s = 0; s < result.seeds.length; s++) {
    await run.logMetrics(Object.fromEntries(perSeed.map((r) => [f4MethodMetrics(r.method).regret, r.regret[s] as number])), s);
  }
  return result;
}
