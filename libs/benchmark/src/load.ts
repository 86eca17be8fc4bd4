import { CorruptDataError, checkColumns, readCsv, resolveDataFile, type CsvTable } from '@fsnas/core';
import { NUM_ARCHS, archKey, formatArch, parseArch, type Arch, type OpId } from '@fsnas/nb201';
import { NATS_TABLE, hwTable, nb201V11Table, type BenchmarkTable } from './schema';
import { HW_DATASETS, HW_METRICS, type AccuracySplit, type HwDataset, type HwMetric, type Setting } from './settings';

/** Column-oriented ground truth: one Float64Array per (setting, split), indexed by NATS-Bench index. */
export interface BenchmarkColumns {
  readonly archStrings: readonly string[];
  /** archKey(op tuple) -> NATS index. */
  readonly indexOfKey: Int32Array;
  readonly accuracy: ReadonlyMap<string, Float64Array>;
  readonly hw: ReadonlyMap<string, Float64Array>;
}

export const accuracyColumnId = (setting: Setting, split: AccuracySplit): string => `${setting}/${split}`;
export const hwColumnId = (dataset: HwDataset, metric: HwMetric): string => `${dataset}/${metric}`;

export interface LoadOptions {
  /** Also load the HW-NAS-Bench cost tables (default true). */
  readonly hw?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** Read one table and check it against its column schema (schema.ts); returns the table and its numeric columns. */
function readTable(spec: BenchmarkTable, env: NodeJS.ProcessEnv): { table: CsvTable; numbers: (column: string) => Float64Array } {
  const table = readCsv(resolveDataFile(spec.path, env));
  const columns = checkColumns(table, spec.schema);
  return { table, numbers: (column) => columns.get(column) as Float64Array };
}

/**
 * Load and cross-check every table. Every cell is checked against the tables' column schema
 * (schema.ts). The NATS index order is not a formula, so it is read from the NATS file and every
 * other file must list the same architecture at the same index.
 */
export function loadBenchmarkColumns(options: LoadOptions = {}): BenchmarkColumns {
  const env = options.env ?? process.env;
  const accuracy = new Map<string, Float64Array>();
  const { table: nats, numbers: natsNumbers } = readTable(NATS_TABLE, env);
  const archStrings = readArchColumn(nats, 'ArchitectureString');
  const indexOfKey = new Int32Array(NUM_ARCHS).fill(-1);
  archStrings.forEach((s, index) => {
    const key = archKey(parseArchAt(nats, index, s));
    if (indexOfKey[key] !== -1) throw new CorruptDataError(nats.file, String(nats.lineOf(index)), `duplicate architecture ${s} (also at index ${indexOfKey[key]})`);
    indexOfKey[key] = index;
  });
  accuracy.set(accuracyColumnId('cifar10', 'test'), natsNumbers('CIFAR10TestAccuracy200Epochs'));
  accuracy.set(accuracyColumnId('cifar100', 'test'), natsNumbers('CIFAR100TestAccuracy200Epochs'));
  accuracy.set(accuracyColumnId('ImageNet16-120', 'test'), natsNumbers('ImageNetTestAccuracy200Epochs'));

  for (const setting of ['cifar10-valid', 'cifar100', 'ImageNet16-120'] as const) {
    // The schema checks that `file id` is the row's index, so the ids are complete and unique.
    const { table, numbers } = readTable(nb201V11Table(setting), env);
    checkSameOrder(table, archStrings);
    accuracy.set(accuracyColumnId(setting, 'train'), numbers('train accuracy'));
    accuracy.set(accuracyColumnId(setting, 'valid'), numbers('validation accuracy'));
    accuracy.set(accuracyColumnId(setting, setting === 'cifar10-valid' ? 'test' : 'test-v1_1'), numbers('test accuracy'));
  }

  const hw = new Map<string, Float64Array>();
  if (options.hw ?? true) {
    for (const dataset of HW_DATASETS) {
      const { table, numbers } = readTable(hwTable(dataset), env);
      checkHwOrder(table, archStrings);
      for (const metric of HW_METRICS) hw.set(hwColumnId(dataset, metric), numbers(metric));
    }
  }
  return { archStrings, indexOfKey, accuracy, hw };
}

/** The arch strings of a table whose row count the schema has checked. */
function readArchColumn(table: CsvTable, name: string): string[] {
  const col = table.column(name);
  return table.rows.map((row) => row[col] as string);
}

function parseArchAt(table: CsvTable, row: number, text: string): Arch {
  try {
    return parseArch(text);
  } catch (error) {
    throw new CorruptDataError(table.file, String(table.lineOf(row)), (error as Error).message);
  }
}

/** NAS-Bench-201 v1_1 files: `file id` is the NATS index (checked by the schema) and `arch str` must match it. */
function checkSameOrder(table: CsvTable, archStrings: readonly string[]): void {
  const strings = readArchColumn(table, 'arch str');
  strings.forEach((s, row) => {
    if (s !== archStrings[row]) {
      throw new CorruptDataError(table.file, String(table.lineOf(row)), `row ${row} lists ${s}, but NATS index ${row} is ${archStrings[row]}: the files disagree on the index order`);
    }
  });
}

/**
 * HW-NAS-Bench rows are in NATS index order but name the architecture as its own tuple: positions are
 * the edges 1<-0, 2<-0, 3<-0, 2<-1, 3<-1, 3<-2 and op codes are skip 0, none 1, conv3x3 2, conv1x1 3,
 * avgpool 4. Decoding every row and comparing it with the NATS order catches a shuffled file.
 */
const HW_EDGE_OF_POSITION = [0, 1, 3, 2, 4, 5] as const;
const OP_OF_HW_CODE: readonly OpId[] = [1, 0, 3, 2, 4];

function checkHwOrder(table: CsvTable, archStrings: readonly string[]): void {
  const net = table.column('net');
  table.rows.forEach((row, i) => {
    const codes = /^\(([0-4]), ([0-4]), ([0-4]), ([0-4]), ([0-4]), ([0-4])\)$/.exec(row[net] ?? '');
    if (!codes) throw new CorruptDataError(table.file, String(table.lineOf(i)), `'net' must be a 6-tuple of op codes, got ${JSON.stringify(row[net])}`);
    const ops = new Array<OpId>(6);
    HW_EDGE_OF_POSITION.forEach((edge, position) => {
      ops[edge] = OP_OF_HW_CODE[Number(codes[position + 1])] as OpId;
    });
    if (formatArch(ops) !== archStrings[i]) {
      throw new CorruptDataError(table.file, String(table.lineOf(i)), `row ${i} is ${formatArch(ops)}, but NATS index ${i} is ${archStrings[i]}: the files disagree on the index order`);
    }
  });
}
