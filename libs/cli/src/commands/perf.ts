import { formatTablesPerf, perfTables } from '@fsnas/benchmark/perf';
import { resolveMetricName } from '@fsnas/metrics';
import { formatMetricPerf, perfMetrics } from '@fsnas/metrics/perf';
import type { BackendName } from '@fsnas/nn';
import { formatNnPerf, perfNn } from '@fsnas/nn/perf';
import { formatSearchPerf, perfSearch } from '@fsnas/search/perf';
import { formatPartitionPerf, perfPartition } from '@fsnas/splitting/perf';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

/**
 * `fsnas bench <suite>`: performance tables (medians over repeats, ratios to a same-run baseline). The
 * command keeps its familiar name; the code calls these perf, apart from the ground-truth Benchmark.
 */
export function registerPerfCommand(program: Command): Command {
  const bench = program.command('bench').description('performance benchmarks: medians over repeats, ratios against a baseline measured in the same run');
  bench
    .command('tables')
    .description('benchmark tables: load time and vectorised mask statistics')
    .option('--repeats <n>', 'repeats per workload', numericOption.positiveInteger, 5)
    .option('--json', 'print the table as JSON')
    .action((options: { repeats: number; json?: boolean }) => {
      const rows = perfTables(options.repeats);
      emit(options.json, rows, () => formatTablesPerf(rows));
    });
  bench
    .command('nn')
    .description('NB201 network workloads per backend: FLOPs, median ms, GFLOP/s, share of peak, ratio to PyTorch CPU')
    .option('--backends <list>', 'comma-separated backends (default: every one that initialises)')
    .option('--workloads <list>', 'comma-separated workloads a,b,c (default all)')
    .option('--repeats <n>', 'timed repeats after a warm-up', numericOption.positiveInteger, 3)
    .option('--no-peer', 'skip the PyTorch peer')
    .option('--json', 'print the result as JSON')
    .action(async (options: { backends?: string; workloads?: string; repeats: number; peer: boolean; json?: boolean }) => {
      const result = await perfNn({
        repeats: options.repeats,
        peer: options.peer,
        ...(options.backends ? { backends: options.backends.split(',') as BackendName[] } : {}),
        ...(options.workloads ? { workloads: options.workloads.split(',') } : {}),
      });
      emit(options.json, result, () => formatNnPerf(result));
    });
  bench
    .command('metrics')
    .description('metric cost: time per architecture at batch 64, and one split node (5 candidates + parent, batch 16): FLOPs, median ms, GFLOP/s, share of peak, ratio to PyTorch')
    .option('--metrics <list>', 'comma-separated metrics (default all)')
    .option('--repeats <n>', 'repeats per workload', numericOption.positiveInteger, 3)
    .option('--no-peer', 'skip the PyTorch peer')
    .option('--no-split-node', 'time only the per-architecture workload')
    .option('--json', 'print the result as JSON')
    .action(async (options: { metrics?: string; repeats: number; peer: boolean; splitNode: boolean; json?: boolean }) => {
      const result = await perfMetrics({
        repeats: options.repeats,
        peer: options.peer,
        splitNode: options.splitNode,
        ...(options.metrics ? { metrics: options.metrics.split(',').map(resolveMetricName) } : {}),
      });
      emit(options.json, result, () => formatMetricPerf(result));
    });
  bench
    .command('splitting')
    .description('exact partition solver: 5 and 8 ops into 2–4 groups, against the reference enumeration in the same run')
    .option('--repeats <n>', 'timed repeats per case', numericOption.positiveInteger, 21)
    .option('--json', 'print the rows as JSON')
    .action((options: { repeats: number; json?: boolean }) => {
      const rows = perfPartition(options.repeats);
      emit(options.json, rows, () => formatPartitionPerf(rows));
    });
  bench
    .command('search')
    .description('one-shot search steps per second per algorithm (batch 64, C=16, N=5, full supernet)')
    .option('--steps <n>', 'timed steps after a warm-up', numericOption.positiveInteger, 3)
    .option('--json', 'print the rows as JSON')
    .action(async (options: { steps: number; json?: boolean }) => {
      const rows = await perfSearch({ steps: options.steps });
      emit(options.json, rows, () => formatSearchPerf(rows));
    });
  return bench;
}
