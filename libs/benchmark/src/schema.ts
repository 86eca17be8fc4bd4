import type { ColumnSchema, NumericColumnRule } from '@fsnas/core';
import { NUM_ARCHS } from '@fsnas/nb201';
import { HW_METRICS, type HwDataset, type HwMetric } from './settings';

/**
 * The column schema of every benchmark table: which columns each must have and what their cells may
 * hold. `loadBenchmarkColumns` checks every table against it on load, so a corrupt cell fails with
 * file, line, row, column and value instead of being read as it is.
 */
const ACCURACY: NumericColumnRule = { min: 0, max: 100, what: 'accuracy, %' };

/** HW-NAS-Bench costs: finite and ≥ 0. */
const HW_RULES: Readonly<Record<HwMetric, NumericColumnRule>> = {
  edgegpu_latency: { min: 0, what: 'latency, ms' },
  edgegpu_energy: { min: 0, what: 'energy, mJ' },
  raspi4_latency: { min: 0, what: 'latency, ms' },
  // The CSV export marks the 4,699 architectures without an Edge TPU measurement with -1 (the same
  // indices for every dataset); they load as NaN ("not measured"), not as a negative cost.
  edgetpu_latency: { min: 0, missing: -1, what: 'latency, ms' },
  pixel3_latency: { min: 0, what: 'latency, ms' },
  eyeriss_latency: { min: 0, what: 'latency, ms' },
  eyeriss_energy: { min: 0, what: 'energy, mJ' },
  eyeriss_arithmetic_intensity: { min: 0, what: 'arithmetic intensity, operations per byte' },
  fpga_latency: { min: 0, what: 'latency, ms' },
  fpga_energy: { min: 0, what: 'energy, mJ' },
};

/** Relative path of a table in a data folder, and its schema. */
export interface BenchmarkTable {
  readonly path: string;
  readonly schema: ColumnSchema;
}

/** NATS-Bench TSS: row i is NATS index i (the index order is read from this file). */
export const NATS_TABLE: BenchmarkTable = {
  path: 'nb201/nats_tss_test_acc_200ep.csv',
  schema: {
    rows: NUM_ARCHS,
    columns: {
      CIFAR10TestAccuracy200Epochs: ACCURACY,
      CIFAR100TestAccuracy200Epochs: ACCURACY,
      ImageNetTestAccuracy200Epochs: ACCURACY,
      ArchitectureString: 'text',
    },
  },
};

/** NAS-Bench-201 v1_1: `file id` is the NATS index. */
export const nb201V11Table = (setting: 'cifar10-valid' | 'cifar100' | 'ImageNet16-120'): BenchmarkTable => ({
  path: `nb201/nb201_v1_1_${setting}.csv`,
  schema: {
    rows: NUM_ARCHS,
    columns: {
      'file id': { rowIndex: true },
      'arch str': 'text',
      'cfg name': 'text',
      C: { min: 1, integer: true, what: 'channels' },
      N: { min: 1, integer: true, what: 'cells per stage' },
      'train accuracy': ACCURACY,
      'validation accuracy': ACCURACY,
      'test accuracy': ACCURACY,
    },
  },
});

/** HW-NAS-Bench: row i is NATS index i; `net` is HW-NAS-Bench's own op tuple. */
export const hwTable = (dataset: HwDataset): BenchmarkTable => ({
  path: `nb201/hw_nas_bench_${dataset}.csv`,
  schema: { rows: NUM_ARCHS, columns: { net: 'text', ...Object.fromEntries(HW_METRICS.map((m) => [m, HW_RULES[m]])) } },
});
