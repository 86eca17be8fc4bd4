import { benchTables, type BenchRow } from '@fsnas/benchmark';
import type { Command } from 'commander';
import { emit, parseInteger } from '../cli-kit';

/** `fsnas bench <suite>`: performance tables (medians over repeats, ratios to a same-run baseline). */
export function registerBenchCommand(program: Command): Command {
  const bench = program.command('bench').description('performance benchmarks: medians over repeats, ratios against a baseline measured in the same run');
  bench
    .command('tables')
    .description('benchmark tables: load time and vectorised mask statistics')
    .option('--repeats <n>', 'repeats per workload', parseInteger, 5)
    .option('--json', 'print the table as JSON')
    .action((options: { repeats: number; json?: boolean }) => {
      const rows = benchTables(options.repeats);
      emit(options.json, rows, () => formatBenchRows(rows));
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
