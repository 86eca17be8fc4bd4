import { resolve } from 'node:path';
import {
  familiesOf,
  familyStats,
  checkSplitCover,
  paperSplits,
  splitCover,
  splitFronts,
  writeFigures,
  type FamilyStats,
  type FigureSpec,
  type SplitCover,
  type SplitsByDataset,
} from '@fsnas/analysis';
import { Benchmark, HW_DATASETS, HW_METRICS, fitDeviceCost, isSetting, type HwDataset, type HwMetric, type Setting } from '@fsnas/benchmark';
import { f1SplitDiversity } from '@fsnas/finding-f1-split-diversity';
import { f3Distribution } from '@fsnas/finding-f3-distribution';
import { f4Selection } from '@fsnas/finding-f4-selection';
import { F2_EXPERIMENT, NO_SPLIT, f2Export, f2ExportCsv, f2ExportName, f2SearchOfRun, plannedLeaves, type F2Export } from '@fsnas/finding-f2-oneshot-on-splits';
import { loadFindingRuns, selectBudget, type BudgetChoice } from '@fsnas/experiments';
import { resolveTrackingUri } from '@fsnas/tracking';
import { InvalidInputError, checkWritableDir, writeFileAtomic } from '@fsnas/core';
import { join } from 'node:path';
import { readSplitLeaves } from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

const DATASETS = ['cifar10', 'cifar100', 'ImageNet16-120'] as const;

const SOURCE_HELP =
  "'paper' (the paper's masks, ../shared/data/paper/paper_splits.json) or a split JSON file: " +
  '{"metric": "<name>", "leaves": [{"mask": 6x5 0/1}, ...]} ("metric" optional; extra leaf fields such as a split tree\'s node data are ignored), ' +
  'or a bare list of 6x5 masks. The leaves must be disjoint and cover the 15,625 architectures (see --allow-partial)';

const ALLOW_PARTIAL_HELP = "analyse a split file whose leaves cover part of the space (they must still be disjoint); the covered fraction is noted on stderr and in --json 'coverage'";

const percent = (c: SplitCover): string => `${(100 * c.fraction).toFixed(1)}%`;

function dataset(value: string): Setting {
  if (!(DATASETS as readonly string[]).includes(value) || !isSetting(value)) throw new InvalidInputError(`--dataset must be one of ${DATASETS.join(', ')}, got '${value}'`);
  return value;
}

interface Source {
  readonly splits: SplitsByDataset;
  /** metric -> how much of the space its leaves hold, for the families of the dataset analysed. */
  readonly coverage: Record<string, SplitCover>;
}

/**
 * The families to analyse: the paper's for `paper`, else one family read from a split file (named by
 * its metric). A file's leaves must be disjoint and, unless allowPartial, cover the space; a partial
 * cover is noted on stderr with its fraction.
 */
function loadSource(source: string, ds: Setting, allowPartial = false): Source {
  if (source === 'paper') {
    const splits = paperSplits();
    return { splits, coverage: Object.fromEntries([...familiesOf(splits, ds)].map(([metric, leaves]) => [metric, splitCover(leaves, `paper ${ds} ${metric}`)])) };
  }
  const file = resolve(source);
  const split = readSplitLeaves(file);
  checkSplitCover(split.leaves, file, { allowPartial, flag: '--allow-partial' });
  const families = new Map([[split.metric ?? source.replace(/^.*\//, '').replace(/\.json$/, ''), split.leaves]]);
  const coverage = Object.fromEntries([...families].map(([metric, leaves]) => [metric, splitCover(leaves, file)]));
  for (const c of Object.values(coverage)) {
    if (c.covered < c.total) {
      process.stderr.write(
        `note: ${file}: the ${c.leaves} leaves cover ${c.covered} of the ${c.total} architectures (${percent(c)}); leaf statistics are of those leaves, the global best, top-1%/5% and regret of the whole space\n`,
      );
    }
  }
  return { splits: new Map([[ds, families]]), coverage };
}

function splitsJson(ds: Setting, families: Record<string, FamilyStats>, coverage: Record<string, SplitCover>): unknown {
  return {
    dataset: ds,
    coverage,
    families: Object.fromEntries(
      Object.entries(families).map(([metric, s]) => [
        metric,
        {
          leaves: s.leaves.map((l) => ({
            index: l.index,
            size: l.size,
            mean: l.mean,
            median: l.median,
            max: l.max,
            best_index: l.bestIndex,
            top1pct: l.top1pct,
            top5pct: l.top5pct,
            holds_best: l.holdsBest,
          })),
          best_leaf_by_mean: s.bestLeafByMean,
          leaf_holding_best: s.leafHoldingBest,
        },
      ]),
    ),
  };
}

function splitsTable(ds: Setting, families: Record<string, FamilyStats>, coverage: Record<string, SplitCover>): string {
  const first = Object.values(families)[0];
  const lines = [
    `dataset ${ds}: global best ${first?.globalBest.toFixed(2)} (index ${first?.globalBestIndex}); top-1% ≥ ${first?.top1pctThreshold.toFixed(2)}, top-5% ≥ ${first?.top5pctThreshold.toFixed(2)}`,
  ];
  for (const [metric, s] of Object.entries(families)) {
    const c = coverage[metric];
    const cover = c && c.covered < c.total ? `${c.leaves} leaves covering ${percent(c)} of the space; ` : '';
    const holder = s.leafHoldingBest < 0 ? `no leaf holds the global best (index ${s.globalBestIndex})` : `leaf holding the best ${s.leafHoldingBest}`;
    lines.push('', `${metric}: ${cover}best leaf by mean ${s.bestLeafByMean}, ${holder}`);
    lines.push(`  ${'leaf'.padEnd(4)} ${'size'.padStart(5)} ${'mean'.padStart(6)} ${'median'.padStart(6)} ${'max'.padStart(6)} ${'best_idx'.padStart(8)} ${'top1%'.padStart(5)} ${'top5%'.padStart(5)}  best`);
    for (const l of s.leaves) {
      lines.push(
        `  ${String(l.index).padEnd(4)} ${String(l.size).padStart(5)} ${l.mean.toFixed(2).padStart(6)} ${l.median.toFixed(2).padStart(6)} ${l.max.toFixed(2).padStart(6)} ${String(l.bestIndex).padStart(8)} ${String(l.top1pct).padStart(5)} ${String(l.top5pct).padStart(5)}  ${l.holdsBest ? '*' : ''}`,
      );
    }
  }
  return lines.join('\n');
}

/** `fsnas analyze ...`: split statistics, selection regret and the finding figures, from the benchmark ground truth. */
export function registerAnalyzeCommand(program: Command): void {
  const analyze = program.command('analyze').description('analyse splits with the NAS-Bench-201 ground truth');

  analyze
    .command('splits')
    .description('per-leaf accuracy statistics of every split family (accuracy: NATS cifar10 test / x-test)')
    .requiredOption('--source <paper|file>', SOURCE_HELP)
    .requiredOption('--dataset <dataset>', DATASETS.join(' | '))
    .option('--allow-partial', ALLOW_PARTIAL_HELP)
    .option('--json', 'print one JSON object')
    .action((options: { source: string; dataset: string; allowPartial?: boolean; json?: boolean }) => {
      const ds = dataset(options.dataset);
      const source = loadSource(options.source, ds, options.allowPartial);
      const families = familiesOf(source.splits, ds);
      const bench = Benchmark.load({ hw: false });
      const stats = Object.fromEntries([...families].map(([metric, leaves]) => [metric, familyStats(bench, leaves, ds)]));
      emit(options.json, splitsJson(ds, stats, source.coverage), () => splitsTable(ds, stats, source.coverage));
    });

  analyze
    .command('selection')
    .description('regret of each sub-supernet selection method per split family, over seeds (finding F4)')
    .requiredOption('--source <paper|file>', SOURCE_HELP)
    .requiredOption('--dataset <dataset>', DATASETS.join(' | '))
    .option('--seeds <n>', 'number of seeds', numericOption.positiveInteger, 32)
    .option('--samples <k>', 'architectures sampled per leaf by the best-mean method', numericOption.positiveInteger, 600)
    .option('--budget <n>', 'successive-halving total evaluations (default samples × leaves)', numericOption.positiveInteger)
    .option('--proxy <name>', "zero-cost proxy for the mean-score method ('none' to skip)", 'nwot')
    .option('--allow-partial', ALLOW_PARTIAL_HELP)
    .option('--json', 'print one JSON object')
    .action((options: { source: string; dataset: string; seeds: number; samples: number; budget?: number; proxy: string; allowPartial?: boolean; json?: boolean }) => {
      const ds = dataset(options.dataset);
      const source = loadSource(options.source, ds, options.allowPartial);
      const bench = Benchmark.load({ hw: false });
      const f4 = f4Selection(bench, source.splits, ds, {
        seeds: options.seeds,
        samples: options.samples,
        ...(options.budget !== undefined ? { budget: options.budget } : {}),
        proxy: options.proxy === 'none' ? null : options.proxy,
      });
      const value = { dataset: ds, coverage: source.coverage, seeds: f4.seeds.length, methods: f4.methods, skipped: f4.skipped, rows: f4.rows };
      emit(options.json, value, () => {
        const metrics = [...new Set(f4.rows.map((r) => r.metric))];
        const header = `${'metric'.padEnd(18)} ${f4.methods.map((m) => m.padStart(22)).join(' ')}`;
        const body = metrics.map(
          (metric) =>
            `${metric.padEnd(18)} ${f4.methods
              .map((m) => {
                const r = f4.rows.find((x) => x.metric === metric && x.method === m);
                return (r ? `${r.meanRegret.toFixed(3)} ±${r.stdRegret.toFixed(3)} (${Math.round(r.zeroRegretRate * 100)}%)` : '-').padStart(22);
              })
              .join(' ')}`,
        );
        return [`mean regret ± std (share of seeds with regret 0), ${ds}, ${f4.seeds.length} seeds`, header, ...body, ...f4.skipped.map((s) => `skipped: ${s}`)].join('\n');
      });
    });

  analyze
    .command('pareto')
    .description('the accuracy–cost Pareto front of the space on one HW-NAS-Bench device column and, per leaf of each split family, the leaf\'s front and how many global-front points it holds')
    .requiredOption('--device <column>', HW_METRICS.join(' | '))
    .requiredOption('--dataset <dataset>', DATASETS.join(' | '))
    .option('--source <paper|file>', SOURCE_HELP, 'paper')
    .option('--family <name>', "the family whose leaves go in 'leaves' (default: the source's first); every family is under 'families'")
    .option('--allow-partial', ALLOW_PARTIAL_HELP)
    .option('--json', 'print {"device", "dataset", "global_front": [NATS indices], "leaves": [{"leaf", "front", "global_points"}], "families": [{"family", "leaves"}]}')
    .action((options: { device: string; dataset: string; source: string; family?: string; allowPartial?: boolean; json?: boolean }) => {
      const ds = dataset(options.dataset);
      if (!(HW_METRICS as readonly string[]).includes(options.device)) throw new InvalidInputError(`--device must be one of ${HW_METRICS.join(', ')}, got '${options.device}'`);
      const device = { dataset: ds as HwDataset, metric: options.device as HwMetric };
      const families = [...familiesOf(loadSource(options.source, ds, options.allowPartial).splits, ds)];
      const chosen = options.family ?? families[0]?.[0];
      if (!families.some(([f]) => f === chosen)) throw new InvalidInputError(`--family '${chosen}' is not a family of ${options.source} on ${ds}; there are: ${families.map(([f]) => f).join(', ')}`);
      const bench = Benchmark.load();
      const fronts = families.map(([family, leaves]) => ({ family, ...splitFronts(bench, leaves, ds, device) }));
      const globalFront = fronts[0]?.globalFront ?? [];
      const value = { device: device.metric, dataset: ds, globalFront, leaves: fronts.find((f) => f.family === chosen)?.leaves ?? [], families: fronts.map((f) => ({ family: f.family, leaves: f.leaves })) };
      emit(options.json, value, () =>
        [
          `${device.metric} on ${ds}: the global front (max test accuracy, min cost) has ${globalFront.length} architectures`,
          ...fronts.map((f) => `${f.family.padEnd(22)} global-front points per leaf: ${f.leaves.map((l) => l.globalPoints).join(' ')}  (leaf fronts: ${f.leaves.map((l) => l.front.length).join(' ')})`),
        ].join('\n'),
      );
    });

  analyze
    .command('hw-model')
    .description('fit, per HW-NAS-Bench device column, an additive per-op cost model (a constant plus one cost per edge and op) by least squares on every measured architecture, and report its R² and mean absolute error')
    .option('--dataset <dataset>', HW_DATASETS.join(' | '), 'cifar10')
    .option('--json', 'print {"dataset", "models": [{"metric", "r2", "mae", "mean_cost", "rows", "intercept", "weights"}]}')
    .action((options: { dataset: string; json?: boolean }) => {
      if (!(HW_DATASETS as readonly string[]).includes(options.dataset)) throw new InvalidInputError(`--dataset must be one of ${HW_DATASETS.join(', ')}, got '${options.dataset}'`);
      const dataset = options.dataset as HwDataset;
      const bench = Benchmark.load();
      const models = HW_METRICS.map((metric) => fitDeviceCost(bench, dataset, metric));
      emit(options.json, { dataset, models: models.map(({ dataset: _d, ...m }) => m) }, () =>
        [
          `additive per-op cost models on HW-NAS-Bench, ${dataset} (cost = constant + one cost per edge and op; least squares on every measured architecture)`,
          `${'metric'.padEnd(30)} ${'R²'.padStart(7)} ${'MAE'.padStart(10)} ${'mean cost'.padStart(10)} ${'MAE/mean'.padStart(9)} ${'rows'.padStart(6)}`,
          ...models.map((m) => `${m.metric.padEnd(30)} ${m.r2.toFixed(4).padStart(7)} ${m.mae.toPrecision(4).padStart(10)} ${m.meanCost.toPrecision(4).padStart(10)} ${`${((100 * m.mae) / m.meanCost).toFixed(1)}%`.padStart(9)} ${String(m.rows).padStart(6)}`),
        ].join('\n'),
      );
    });

  analyze
    .command('f2')
    .description("F2's table in the paper's format from the F2-oneshot-on-splits runs in MLflow: per split family (none = the full space) and algorithm, best-of-8, mean over leaves, the leaf chosen by supernet validation, std over seeds, and how often splitting beats the full space")
    .option('--budget <preset>', "the budget whose runs to read, or 'largest' (the largest logged)", 'largest')
    .option('--export <dir>', 'also write F2-<budget>-cifar10.json and .csv there (with the run ids of every cell and the runs\' commit)')
    .option('--json', 'print the export document')
    .action(async (options: { budget: string; export?: string; json?: boolean }) => {
      if (options.export !== undefined) checkWritableDir(options.export, '--export');
      const selected = selectBudget(await loadFindingRuns(F2_EXPERIMENT), options.budget as BudgetChoice);
      const doc = f2Export(selected.runs.map(f2SearchOfRun), {
        budget: selected.budget,
        dataset: 'cifar10',
        mlflowUrl: (await resolveTrackingUri()).url,
        plannedLeaves: plannedLeaves(selected.budget),
        commits: selected.runs.map((r) => r.tags['mlflow.source.git.commit'] ?? 'unknown'),
      });
      const written = options.export === undefined ? [] : writeF2Export(doc, options.export);
      emit(options.json, doc, () => [f2TableText(doc), ...written.map((w) => `wrote ${w}`)].join('\n'));
    });

  analyze
    .command('figures')
    .description('write the F1/F3/F4 figures as HTML (with one plotly.min.js beside them) and PNG (headless Chromium)')
    .requiredOption('--source <paper|file>', SOURCE_HELP)
    .requiredOption('--dataset <dataset>', DATASETS.join(' | '))
    .requiredOption('--out <dir>', 'output folder')
    .option('--seeds <n>', 'F4 seeds', numericOption.positiveInteger, 32)
    .option('--no-png', 'write HTML only')
    .option('--allow-partial', ALLOW_PARTIAL_HELP)
    .option('--json', 'print the written paths as JSON')
    .option('--self-contained', 'inline plotly.js into every HTML file (default: one plotly.min.js in --out, loaded by relative path)')
    .action(async (options: { source: string; dataset: string; out: string; seeds: number; png: boolean; allowPartial?: boolean; selfContained?: boolean; json?: boolean }) => {
      const ds = dataset(options.dataset);
      checkWritableDir(options.out, '--out');
      const { splits } = loadSource(options.source, ds, options.allowPartial);
      const bench = Benchmark.load({ hw: false });
      const only = new Map([[ds, familiesOf(splits, ds)]]);
      const figures: Record<string, FigureSpec> = {
        ...f1SplitDiversity(bench, only).figures,
        ...f3Distribution(bench, only, ds).figures,
        ...f4Selection(bench, only, ds, { seeds: options.seeds }).figures,
      };
      // All PNGs from one headless Chromium.
      const written = await writeFigures(figures, options.out, { png: options.png, plotly: options.selfContained ? 'inline' : 'directory' });
      emit(options.json, { figures: written }, () => written.map((w) => `${w.name}: ${w.html}${w.png ? `, ${w.png}` : ''}`).join('\n'));
    });
}

function writeF2Export(doc: F2Export, dir: string): string[] {
  const base = join(dir, f2ExportName(doc.budget, doc.dataset));
  writeFileAtomic(`${base}.json`, `${JSON.stringify(doc, null, 1)}\n`);
  writeFileAtomic(`${base}.csv`, f2ExportCsv(doc));
  return [`${base}.json`, `${base}.csv`];
}

/** The paper's layout: a row per family, a column per algorithm, `best-of-8 / mean / selected (±std)`. */
function f2TableText(doc: F2Export): string {
  const algos = [...new Set(doc.cells.map((c) => c.algo))].sort();
  const families = [NO_SPLIT, ...[...new Set(doc.cells.map((c) => c.family))].filter((f) => f !== NO_SPLIT).sort()];
  const cellText = (family: string, algo: string): string => {
    const c = doc.cells.find((x) => x.family === family && x.algo === algo);
    if (!c) return '-';
    const parts = family === NO_SPLIT ? c.best_of_8.toFixed(2) : `${c.best_of_8.toFixed(2)} / ${c.mean.toFixed(2)} / ${c.selected.toFixed(2)}`;
    return `${parts}${c.std === null ? '' : ` ±${c.std.toFixed(2)}`}${c.leaves < c.planned ? ` (${c.leaves}/${c.planned} leaves)` : ''}`;
  };
  const width = 40;
  const cells = (f: string) => algos.map((a) => cellText(f, a).padStart(width)).join(' ');
  return [
    `F2 ${doc.budget}, ${doc.dataset}: CIFAR-10 test accuracy (%) of the derived architecture; family rows: best-of-8 / mean over leaves / leaf chosen by supernet validation (±std of best-of-8 over seeds)`,
    `${'family'.padEnd(24)} ${algos.map((a) => a.padStart(width)).join(' ')}`,
    ...families.map((f) => `${f.padEnd(24)} ${cells(f)}`),
    ...doc.splitting_wins.map((w) => `${w.algo}: splitting beats the full space in ${w.wins} of ${w.families} complete families`),
  ].join('\n');
}
