import { medianMs } from '@fsnas/core';
import { loadPaperSplits } from '@fsnas/nb201';
import { Benchmark } from './benchmark';
import { SETTINGS } from './settings';

export interface TablesPerfRow {
  readonly workload: string;
  readonly repeats: number;
  readonly medianMs: number;
  /** What one run does, so the time can be read against the amount of work. */
  readonly work: string;
  readonly baselineMs?: number;
}

/**
 * Timings of the ground-truth layer: loading every table, and statistics over all 30 paper families
 * (240 masks × 4 settings), against a baseline measured in the same run: a plain JavaScript loop over
 * per-architecture objects, the layout the column store replaces.
 */
export function perfTables(repeats = 5): TablesPerfRow[] {
  let tables = Benchmark.load();
  const loadMs = medianMs(() => {
    tables = Benchmark.load();
  }, repeats);
  const families = [...loadPaperSplits().values()].flatMap((byMetric) => [...byMetric.values()]);
  const masks = families.flat();
  const statsMs = medianMs(() => {
    for (const mask of masks) for (const s of SETTINGS) tables.stats(mask, s);
  }, repeats);
  const rows = Array.from({ length: tables.size }, (_, i) => ({ arch: tables.arch(i), acc: Object.fromEntries(SETTINGS.map((s) => [s, tables.accuracy(s)[i] as number])) }));
  const naiveMs = medianMs(() => {
    for (const mask of masks) {
      for (const s of SETTINGS) {
        const values = rows.filter((r) => mask.contains(r.arch)).map((r) => r.acc[s] as number);
        values.sort((a, b) => a - b);
      }
    }
  }, repeats);
  return [
    { workload: 'load all tables (7 CSV, 15,625 rows each)', repeats, medianMs: loadMs, work: '~21 MB of CSV parsed and cross-checked' },
    {
      workload: 'stats over 30 paper families × 4 settings',
      repeats,
      medianMs: statsMs,
      work: `${masks.length * SETTINGS.length} mask statistics over ${(families.length * tables.size * SETTINGS.length).toLocaleString('en-US')} accuracies`,
      baselineMs: naiveMs,
    },
  ];
}

/** The tables perf rows as text. */
export function formatTablesPerf(rows: readonly TablesPerfRow[]): string {
  const lines = rows.map((r) => {
    const ratio = r.baselineMs ? `${(r.baselineMs / r.medianMs).toFixed(1)}× faster than baseline (${r.baselineMs.toFixed(1)} ms)` : '';
    return `${r.workload.padEnd(48)} ${r.medianMs.toFixed(1).padStart(9)} ms  (median of ${r.repeats})  ${r.work}  ${ratio}`;
  });
  return [`${'workload'.padEnd(48)} ${'median'.padStart(12)}`, ...lines].join('\n');
}
