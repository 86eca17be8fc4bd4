import { InvalidInputError } from '@fsnas/core';
import { METRIC_DATASETS, createEdgeMetric, resolveSettings, type EdgeMetricOptions, type MetricDataset } from '@fsnas/metrics';
import { loadCifar10 } from '@fsnas/data';
import { DEFAULT_NET_CONFIG, initBackend } from '@fsnas/nn';
import { BUDGET_SPECS, SEARCH_BUDGETS, budgetSpec, searchData, warmupSupernet, type SearchBudget } from '@fsnas/search';
import {
  RANDOM_METRIC,
  planSplit,
  randomSplit,
  splitSupernet,
  splitToFile,
  type WarmupHook,
  writeSplitTree,
  type EdgePolicy,
  type SplitMetricSettings,
  type SplitTreeDocument,
} from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

interface SplitCliOptions {
  metric: string;
  dataset: string;
  leaves: number;
  branching: string;
  edges: string;
  seed: number;
  compat?: 'reference';
  warmup?: string;
  batchSize?: number;
  batches?: number;
  dropLeaves?: boolean;
  out?: string;
  json?: boolean;
}

/** `fsnas split`: split the NB201 supernet into sub-supernets with any metric. */
export function registerSplitCommand(program: Command): void {
  program
    .command('split')
    .description('split the NAS-Bench-201 supernet into sub-supernets, grouping each edge\'s ops with a metric')
    .requiredOption('--metric <name>', 'metric (gradient_matching, grad_norm, snip, synflow, num_params, ..., or random)')
    .option('--dataset <name>', 'dataset of the metric batches', 'cifar10')
    .option('--leaves <n>', 'target number of sub-supernets', numericOption.positiveInteger, 8)
    .option('--branching <list>', 'branching factors, comma-separated', '2')
    .option('--edges <list|random|metric>', "edges split at each level (e.g. 0,1,2), 'random', or 'metric' (GM-NAS: the edge with the best cut)", '0,1,2')
    .option('--seed <n>', 'seed of weights, batches and random choices', numericOption.nonNegativeInteger, 0)
    .option('--compat <mode>', "'reference': reproduce the paper code's behaviour, quirks included (docs/reference-method.md)")
    .option('--batch-size <n>', 'images per metric batch (default: 16 in reference mode, else 64)', numericOption.positiveInteger)
    .option('--batches <n>', 'metric batches per candidate (default 1)', numericOption.positiveInteger)
    .option('--drop-leaves', 'stop at the last full binary level instead of balancing the leaves')
    .option('--warmup <budget>', `train each node's supernet before its metric (docs/reference-method.md, warm-up), children continuing from their parent: ${SEARCH_BUDGETS.join('|')} (the search budget's epochs, C and N; the metric networks take that C and N)`)
    .option('--out <file>', 'write the split tree JSON here (and resume from <file>.nodes.jsonl if interrupted; a rerun must use the same options)')
    .option('--json', 'print {metric, leaves, tree} as JSON')
    .action(async (options: SplitCliOptions) => {
      if (options.compat !== undefined && options.compat !== 'reference') throw new InvalidInputError(`--compat must be 'reference', got '${options.compat}'`);
      // Checked for every metric (random included), before any work.
      if (!(METRIC_DATASETS as readonly string[]).includes(options.dataset)) throw new InvalidInputError(`--dataset must be one of ${METRIC_DATASETS.join(', ')}, got '${options.dataset}'`);
      const plan = {
        leaves: options.leaves,
        branching: parseList(options.branching, '--branching'),
        dropLeaves: options.dropLeaves ?? false,
        edges: parseEdges(options.edges),
        seed: options.seed,
        compat: options.compat ?? ('none' as const),
      };
      planSplit(plan); // bad branching factors or edges fail here, before any network is built
      const doc = options.metric === RANDOM_METRIC ? randomSplit(plan) : await metricSplit(options, plan);
      // Metric splits write as they go (resumable); a random split is instant and written here.
      if (options.out && options.metric === RANDOM_METRIC) writeSplitTree(options.out, doc);
      const leaves = doc.leaves.map((l) => ({ index: l.index, mask: l.mask, size: l.size }));
      emit(options.json, { metric: doc.metric, leaves, tree: doc }, () =>
        [`${doc.metric}: ${leaves.length} sub-supernets`, ...doc.leaves.map((l) => `  leaf ${l.index}  size ${String(l.size).padStart(5)}  ${l.mask.map((row) => row.join('')).join(' ')}`), options.out ? `written to ${options.out}` : ''].filter(Boolean).join('\n'),
      );
    });
}

async function metricSplit(options: SplitCliOptions, plan: Parameters<typeof randomSplit>[0]): Promise<SplitTreeDocument> {
  const warmup = options.warmup !== undefined ? budgetSpec(options.warmup) : undefined;
  const metricOptions: EdgeMetricOptions = {
    ...(warmup ? { network: { C: warmup.net.C, N: warmup.net.N } } : {}),
    dataset: options.dataset as MetricDataset,
    seed: options.seed,
    compat: options.compat ?? 'naslib',
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.batches !== undefined ? { batches: options.batches } : {}),
  };
  // Resolved together with the metric, so the record holds what the metric uses. (Both run before
  // initBackend, as the metric always has: the backend-dependent second-order batch default is then
  // the whole batch, not wasm's 32.)
  const metric = createEdgeMetric(options.metric, metricOptions);
  const resolved = resolveSettings(metricOptions);
  const backend = await initBackend();
  // What the split's identity records about the metric (compared when --out resumes).
  const metricSettings: SplitMetricSettings = {
    dataset: resolved.dataset,
    batchSize: resolved.batchSize,
    batches: resolved.batches,
    init: resolved.init,
    metricCompat: resolved.compat,
    network: { ...DEFAULT_NET_CONFIG, ...resolved.network },
    secondOrderBatch: resolved.secondOrderBatch,
    warmup: warmup?.name ?? null,
    backend: backend.name,
  };
  const split = { ...plan, metric, metricSettings, ...(warmup ? { warmup: warmupHook(warmup.name, options.seed) } : {}) };
  return options.out ? splitToFile(split, options.out) : splitSupernet(split);
}

/** Supernet training of each node on CIFAR-10 with the search library, seeded per node. */
function warmupHook(budget: SearchBudget, seed: number): WarmupHook {
  const data = searchData(loadCifar10(), BUDGET_SPECS[budget]);
  return (mask, level, parent) => warmupSupernet({ mask, budget, data, seed: seed * 31 + level * 1_000_003 + mask.size, ...(parent ? { from: parent } : {}) });
}

function parseList(text: string, flag: string): number[] {
  const values = text.split(',').map((t) => Number(t.trim()));
  if (values.some((v) => !Number.isInteger(v))) throw new InvalidInputError(`${flag} must be comma-separated integers, got '${text}'`);
  return values;
}

function parseEdges(text: string): EdgePolicy {
  if (text === 'random') return { kind: 'random' };
  if (text === 'metric') return { kind: 'metric' };
  return { kind: 'order', edges: parseList(text, '--edges') };
}
