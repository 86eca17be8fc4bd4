import { readFileSync } from 'node:fs';
import { CorruptDataError, InvalidInputError } from '@fsnas/core';
import { Benchmark } from '@fsnas/benchmark';
import { Mask, loadPaperSplits } from '@fsnas/nb201';

/** One split family per name (metric): its leaf masks in leaf order. */
export type SplitFamilies = ReadonlyMap<string, readonly Mask[]>;
/** dataset -> families, the shape of the paper's splits. */
export type SplitsByDataset = ReadonlyMap<string, SplitFamilies>;

/** The families of one dataset, or a typed error listing the datasets there are. */
export function familiesOf(splits: SplitsByDataset, dataset: string): SplitFamilies {
  const families = splits.get(dataset);
  if (!families) throw new InvalidInputError(`no splits for dataset '${dataset}'; available: ${[...splits.keys()].join(', ')}`);
  return families;
}

/** The paper's masks (dataset -> metric -> 8 leaves). */
export function paperSplits(env?: NodeJS.ProcessEnv): SplitsByDataset {
  return loadPaperSplits(env);
}

function leafMask(file: string, where: string, leaf: unknown): Mask {
  const rows = Array.isArray(leaf) ? leaf : (leaf as { mask?: unknown } | null)?.mask;
  if (!Array.isArray(rows)) throw new CorruptDataError(file, where, 'a leaf must be a 6x5 0/1 matrix or an object with a "mask" 6x5 matrix');
  try {
    return Mask.fromRows(rows as number[][]);
  } catch (error) {
    throw new CorruptDataError(file, where, (error as Error).message);
  }
}

/**
 * Read a split file into one family. Accepted shapes (documented in the CLI help):
 * `{ "leaves": [ {"mask": 6x5}, ... ] }`, `{ "metric": "<name>", "leaves": [...] }`, or a bare list of
 * leaves; a leaf is `{ "mask": 6x5 }` (other fields, such as a split tree's node data, are ignored) or a
 * bare 6×5 0/1 matrix. The family is named by `metric`, else by `fallbackName`.
 */
export function readSplitFile(file: string, fallbackName = 'split'): SplitFamilies {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`split file not found: ${file}`);
    throw new CorruptDataError(file, '', `not valid JSON: ${(error as Error).message}`);
  }
  const object = !Array.isArray(json) && typeof json === 'object' && json !== null ? (json as { leaves?: unknown; metric?: unknown }) : undefined;
  const leaves = Array.isArray(json) ? json : object?.leaves;
  if (!Array.isArray(leaves) || leaves.length === 0) throw new CorruptDataError(file, 'leaves', 'expected a non-empty "leaves" list of {"mask": 6x5} objects');
  const name = typeof object?.metric === 'string' && object.metric ? object.metric : fallbackName;
  return new Map([[name, leaves.map((leaf, i) => leafMask(file, `leaves[${i}]`, leaf))]]);
}

let shared: { readonly bench: Benchmark; readonly splits: SplitsByDataset } | undefined;

/**
 * The benchmark tables and the paper's splits, loaded once per process: every run of every finding
 * reads the same data (about a second to load).
 */
export function groundTruth(): { readonly bench: Benchmark; readonly splits: SplitsByDataset } {
  return (shared ??= { bench: Benchmark.load({ hw: false }), splits: paperSplits() });
}
