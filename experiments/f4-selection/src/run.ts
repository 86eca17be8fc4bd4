import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { f4Selection, familiesOf, groundTruth, tableCsv, writeFigures, type F4Result } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import type { Budget, Finding, MetricSink, PlannedRun } from '@fsnas/experiments';
import type { Mask } from '@fsnas/nb201';
import { F4_CONFIG, type F4Config } from './config';

/** One MLflow run: one metric family on one dataset, or (metric 'all') the dataset's summary with figures. */
export interface F4RunConfig {
  readonly dataset: Setting;
  readonly metric: string;
  readonly source: 'paper';
  readonly seeds: number;
  readonly samples: number;
  readonly budget: number | null;
  readonly proxy: string | null;
  readonly png: boolean;
}

export const SUMMARY = 'all';


export function planF4(config: F4Config): PlannedRun<F4RunConfig>[] {
  return config.datasets.flatMap((dataset) => {
    const metrics = config.metrics === 'all' ? [...familiesOf(groundTruth().splits, dataset).keys()] : config.metrics;
    return [...metrics, SUMMARY].map((metric) => ({
      name: `${dataset}/${metric}`,
      config: { dataset, metric, source: 'paper' as const, seeds: config.seeds, samples: config.samples, budget: config.budget, proxy: config.proxy, png: config.png },
      tags: { dataset, metric, source: 'paper' },
    }));
  });
}


function leavesOf(families: ReadonlyMap<string, readonly Mask[]>, metric: string): readonly Mask[] {
  const leaves = families.get(metric);
  if (!leaves) throw new InvalidInputError(`no paper split for metric '${metric}'; available: ${[...families.keys()].join(', ')}`);
  return leaves;
}

/** MLflow metric keys allow letters, digits and `_ - . / :` and spaces; method names use `@`. */
const key = (method: string): string => method.replace(/[^\w.\-/: ]/g, '_');

/** Compute one planned run: regret per method (mean and per seed), the table, and for the summary the figures. */
export async function executeF4(config: F4RunConfig, run: MetricSink, outDir: string): Promise<F4Result> {
  const families = familiesOf(groundTruth().splits, config.dataset);
  const chosen = config.metric === SUMMARY ? families : new Map([[config.metric, leavesOf(families, config.metric)]]);
  const result = f4Selection(groundTruth().bench, new Map([[config.dataset, chosen]]), config.dataset, {
    seeds: config.seeds,
    samples: config.samples,
    ...(config.budget !== null ? { budget: config.budget } : {}),
    proxy: config.proxy,
  });
  const rows = result.rows.map((r) => ({ ...r, chosenCounts: r.chosenCounts.join(' ') }));
  writeFileSync(join(outDir, 'regret.csv'), tableCsv(rows));
  if (result.skipped.length) writeFileSync(join(outDir, 'skipped.txt'), `${result.skipped.join('\n')}\n`);
  if (config.metric === SUMMARY) {
    // Across families: each method's regret averaged over metrics (step 0).
    const perMethod = Object.fromEntries(
      result.methods.map((m) => {
        const mine = result.rows.filter((r) => r.method === m);
        return [`mean_regret.${key(m)}`, mine.reduce((a, r) => a + r.meanRegret, 0) / mine.length];
      }),
    );
    await run.logMetrics(perMethod, 0);
    await writeFigures(result.figures, outDir, { png: config.png });
    return result;
  }
  const summary: Record<string, number> = {};
  for (const r of result.rows) {
    summary[`mean_regret.${key(r.method)}`] = r.meanRegret;
    summary[`std_regret.${key(r.method)}`] = r.stdRegret;
    summary[`zero_regret_rate.${key(r.method)}`] = r.zeroRegretRate;
  }
  await run.logMetrics(summary, 0);
  // Per-seed regret as a curve (step = seed index), so its spread is visible in MLflow.
  const perSeed = result.results[config.metric] ?? [];
  for (let s = 0; s < result.seeds.length; s++) {
    await run.logMetrics(Object.fromEntries(perSeed.map((r) => [`regret.${key(r.method)}`, r.regret[s] as number])), s);
  }
  return result;
}

export const f4Finding: Finding<F4RunConfig> = {
  id: 'F4-selection',
  claim: 'The proposed sub-supernet selection methods are flawed.',
  order: 40,
  describeBudget(budget: Budget): string {
    const c = F4_CONFIG[budget];
    return `${c.datasets.join(', ')} × ${c.metrics === 'all' ? 'all 10 paper families' : c.metrics.join(', ')}; methods oracle, random, best-mean@${c.samples}, successive halving (max/mean), zero-cost ${c.proxy ?? '(off)'}; ${c.seeds} seeds; benchmark look-ups only`;
  },
  plan: (budget) => planF4(F4_CONFIG[budget]),
  async execute(planned, { run, outDir }) {
    await executeF4(planned.config, run, outDir);
  },
};
