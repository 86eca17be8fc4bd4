import { join } from 'node:path';
import { BUDGETS, InvalidInputError, checkWritableFile, type Fidelity } from '@fsnas/core';
import { inParallel, planWorkers } from '@fsnas/experiments';
import { computeSplitTree } from '@fsnas/finding-splits';
import { METRIC_DATASETS, type MetricDataset } from '@fsnas/metrics';
import { planSplit, type EdgePolicy } from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit, fidelityOf, fidelityOptions, numericOption } from '../cli-kit';
import { runFsnasWorker, type WorkerOutput } from '../fsnas-worker';

interface SplitCliOptions {
  metric: string;
  dataset: string;
  leaves: number;
  branching: string;
  edges: string;
  seed: number;
  fidelity?: string;
  compat?: string;
  warmup?: string;
  batchSize?: number;
  batches?: number;
  dropLeaves?: boolean;
  out?: string;
  jobs?: number;
  json?: boolean;
}

/** `fsnas split`: split the NB201 supernet into sub-supernets with any metric. */
export function registerSplitCommand(program: Command): void {
  const command = program
    .command('split')
    .description('split the NAS-Bench-201 supernet into sub-supernets, grouping each edge\'s ops with a metric')
    .requiredOption('--metric <name>', 'metric (gradient_matching, grad_norm, snip, synflow, num_params, ..., or random); several, comma-separated, split in worker processes (--jobs) into the --out folder')
    .option('--dataset <name>', 'dataset of the metric batches', 'cifar10')
    .option('--leaves <n>', 'target number of sub-supernets', numericOption.positiveInteger, 8)
    .option('--branching <list>', 'branching factors, comma-separated', '2')
    .option('--edges <list|random|metric>', "edges split at each level (e.g. 0,1,2), 'random', or 'metric' (GM-NAS: the edge with the best cut)", '0,1,2')
    .option('--seed <n>', 'seed of weights, batches and random choices', numericOption.nonNegativeInteger, 0);
  fidelityOptions(command, "published is fsnas's fixed splitter over the metrics' published (NASLib) definitions; reference reproduces the paper code's behaviour, quirks included (docs/reference.md §11.2)")
    .option('--batch-size <n>', 'images per metric batch (default: 16 with --fidelity reference, else 64)', numericOption.positiveInteger)
    .option('--batches <n>', 'metric batches per candidate (default 1)', numericOption.positiveInteger)
    .option('--drop-leaves', 'stop at the last full binary level instead of balancing the leaves')
    .option('--warmup <budget>', `train each node's supernet before its metric (docs/reference.md §11.3), children continuing from their parent: ${BUDGETS.join('|')} (the search budget's epochs, C and N; the metric networks take that C and N)`)
    .option('--out <file>', 'write the split tree JSON here (and resume from <file>.nodes.jsonl if interrupted; a rerun must use the same options); with several metrics a folder, one <metric>.json each')
    .option('--jobs <n>', 'with several metrics: splits run at once, each in a worker process with cores/n threads (default: one per core, as memory allows)', numericOption.positiveInteger)
    .option('--json', 'print {metric, leaves, tree} as JSON ({splits: [{metric, leaves, file}]} with several metrics)')
    .action(async (options: SplitCliOptions) => {
      const fidelity = fidelityOf(options);
      // Checked for every metric (random included), before any work.
      if (!(METRIC_DATASETS as readonly string[]).includes(options.dataset)) throw new InvalidInputError(`--dataset must be one of ${METRIC_DATASETS.join(', ')}, got '${options.dataset}'`);
      const plan = {
        leaves: options.leaves,
        branching: parseList(options.branching, '--branching'),
        dropLeaves: options.dropLeaves ?? false,
        edges: parseEdges(options.edges),
        seed: options.seed,
        fidelity,
      };
      planSplit(plan); // bad branching factors or edges fail here, before any network is built
      const metrics = options.metric.split(',').map((m) => m.trim());
      if (metrics.length > 1) return splitMetricsInWorkers(metrics, options, fidelity);
      // An --out that cannot be written fails now, not when the split is done (/proc/... ran for minutes first).
      if (options.out !== undefined) checkWritableFile(options.out, '--out');
      const { tree: doc } = await computeSplitTree(
        {
          ...plan,
          metric: options.metric,
          dataset: options.dataset as MetricDataset,
          ...(options.warmup !== undefined ? { warmup: options.warmup } : {}),
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
          ...(options.batches !== undefined ? { batches: options.batches } : {}),
        },
        options.out !== undefined ? { out: options.out } : {},
      );
      const leaves = doc.leaves.map((l) => ({ index: l.index, mask: l.mask, size: l.size }));
      emit(options.json, { metric: doc.metric, leaves, tree: doc }, () =>
        [`${doc.metric}: ${leaves.length} sub-supernets`, ...doc.leaves.map((l) => `  leaf ${l.index}  size ${String(l.size).padStart(5)}  ${l.mask.map((row) => row.join('')).join(' ')}`), options.out ? `written to ${options.out}` : ''].filter(Boolean).join('\n'),
      );
    });
}

/**
 * `--metric a,b,c`: each split in its own `fsnas split --metric <m> --out <dir>/<m>.json` worker
 * (resumable like any split with --out), at most --jobs at once (docs/decisions/0012-parallel-workers.md).
 */
async function splitMetricsInWorkers(metrics: readonly string[], options: SplitCliOptions, fidelity: Fidelity): Promise<void> {
  if (options.out === undefined) throw new InvalidInputError('several metrics need --out <folder>: each split is written there as <metric>.json');
  if (new Set(metrics).size !== metrics.length || metrics.some((m) => m === '')) throw new InvalidInputError(`--metric lists a metric twice or an empty name: '${options.metric}'`);
  const dir = options.out;
  const workers = planWorkers(options.jobs, metrics.length);
  const splits: { metric: string; leaves: number; file: string }[] = [];
  await inParallel(metrics, workers.jobs, async (metric) => {
    const file = join(dir, `${metric}.json`);
    const output = await splitInWorker(metric, childSplitArgs(options, fidelity), file, { threads: workers.threads });
    splits.push({ metric, leaves: (JSON.parse(output) as { leaves: unknown[] }).leaves.length, file });
  });
  splits.sort((a, b) => metrics.indexOf(a.metric) - metrics.indexOf(b.metric));
  emit(options.json, { splits, jobs: workers.jobs, threads: workers.threads }, () => [...splits.map((s) => `${s.metric}: ${s.leaves} sub-supernets, written to ${s.file}`), `${workers.jobs} worker(s) × ${workers.threads} thread(s)`].join('\n'));
}

/** One metric split in a worker process of the pool: `fsnas split --metric <metric> <args> --out <file> --json`; resolves with its JSON. */
export function splitInWorker(metric: string, args: readonly string[], out: string, options: WorkerOutput): Promise<string> {
  return runFsnasWorker(['split', '--metric', metric, ...args, '--out', out, '--json'], { ...options, label: `the ${metric} split`, keeps: `${out}.nodes.jsonl` });
}

/** The options of this split, as a worker's command line (everything but --metric, --out, --jobs, --json). */
function childSplitArgs(o: SplitCliOptions, fidelity: Fidelity): string[] {
  return [
    ...['--dataset', o.dataset, '--leaves', String(o.leaves), '--branching', o.branching, '--edges', o.edges, '--seed', String(o.seed), '--fidelity', fidelity],
    ...(o.warmup !== undefined ? ['--warmup', o.warmup] : []),
    ...(o.batchSize !== undefined ? ['--batch-size', String(o.batchSize)] : []),
    ...(o.batches !== undefined ? ['--batches', String(o.batches)] : []),
    ...(o.dropLeaves ? ['--drop-leaves'] : []),
  ];
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
