import { benchTables, type BenchRow } from '@fsnas/benchmark';
import { benchMetrics, formatMetricBench, resolveMetricName } from '@fsnas/metrics';
import { benchNn, formatBench, type BackendName } from '@fsnas/nn';
import { benchSearch, formatBenchSearch } from '@fsnas/search';
import { benchPartition, formatPartitionBench } from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

/** `fsnas bench <suite>`: performance tables (medians over repeats, ratios to a same-run baseline). */
export function registerBenchCommand(program: Command): Command {
  const bench = program.command('bench').description('performance benchmarks: medians over repeats, ratios against a baseline measured in the same run');
  bench
    .command('tables')
    .description('benchmark tables: load time and vectorised mask statistics')
    .option('--repeats <n>', 'repeats per workload', numericOption.positiveInteger, 5)
    .option('--json', 'print the table as JSON')
    .action((options: { repeats: number; json?: boolean }) => {
      const rows = benchTables(options.repeats);
      emit(options.json, rows, () => formatBenchRows(rows));
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
      const result = await benchNn({
        repeats: options.repeats,
        peer: options.peer,
        ...(options.backends ? { backends: options.backends.split(',') as BackendName[] } : {}),
        ...(options.workloads ? { workloads: options.workloads.split(',') } : {}),
      });
      emit(options.json, result, () => formatBench(result));
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
      const result = await benchMetrics({
        repeats: options.repeats,
        peer: options.peer,
        splitNode: options.splitNode,
        ...(options.metrics ? { metrics: options.metrics.split(',').map(resolveMetricName) } : {}),
      });
      emit(options.json, result, () => formatMetricBench(result));
    });
  bench
    .command('splitting')
    .description('exact partition solver: 5 and 8 ops into 2–4 groups, against the reference enumeration in the same run')
    .option('--repeats <n>', 'timed repeats per case', numericOption.positiveInteger, 21)
    .option('--json', 'print the rows as JSON')
    .action((options: { repeats: number; json?: boolean }) => {
      const rows = benchPartition(options.repeats);
      emit(options.json, rows, () => formatPartitionBench(rows));
    });
  bench
    .command('search')
    .description('one-shot search steps per second per algorithm (batch 64, C=16, N=5, full supernet)')
    .option('--steps <n>', 'timed steps after a warm-up', numericOption.positiveInteger, 3)
    .option('--json', 'print the rows as JSON')
    .action(async (options: { steps: number; json?: boolean }) => {
      const rows = await benchSearch({ steps: options.steps });
      emit(options.json, rows, () => formatBenchSearch(rows));
    });
  return bench;
}

export function formatBenchRows(rows: readonly BenchRow[]): string {
  const lines = rows.map((r) => {
    const ratio = r.baselineMs ? `${(r.baselineMs / r.medianMs).toFixed(1)}× faster than baseline (${r.baselineMs.toFixed(1)} ms)` : '';
    return `${r.workload.padEnd(48)} ${r.medianMs.toFixed(1).padStart(9)} ms  (median of ${r.repeats})  ${r.work}  ${ratio}`;
  });
  return [`${'workload'.padEnd(48)} ${'median'.padStart(12)}`, ...lines].join('\n');
}
