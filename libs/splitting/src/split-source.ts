import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InvalidInputError, fidelityToken, parseFidelity, writableDataDir, type Fidelity } from '@fsnas/core';
import { loadPaperSplits, type Mask, type PaperSplits } from '@fsnas/nb201';
import type { EdgePolicy } from './edge-policy';
import { fidelityOfTree } from './split-settings';
import { readSplitLeaves, type SplitLeavesFile, type SplitTreeDocument } from './split-tree';

/**
 * The tree plan and metric evaluation of a computed split, besides what its source names. `name`
 * labels it in tables; every field is part of the cache key.
 */
export interface SplitSetting {
  readonly name: string;
  readonly leaves: number;
  readonly branching: readonly number[];
  readonly edges: EdgePolicy;
  /** Images per metric batch; absent: the metric library's default for the fidelity (reference 16, else 64). */
  readonly batchSize?: number;
  readonly batches?: number;
  /** The metric networks' width and depth; absent: the metric library's (C=16, N=5), or the warm-up budget's. */
  readonly network?: { readonly C: number; readonly N: number };
}

/** The paper's split setting (docs/reference.md §3.8, §11.1): 8 leaves, binary levels on edges 0, 1, 2. */
export const PAPER_SPLIT_SETTING: SplitSetting = { name: 'paper', leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] } };

/** The paper's seed of its CIFAR-10 splits. */
export const PAPER_SPLIT_SEED = 888;

export interface PaperSplitSource {
  readonly kind: 'paper';
  /** The paper's family (metric name in paper_splits.json, e.g. `synflow`, `random_seed888`). */
  readonly metric: string;
}

export interface FileSplitSource {
  readonly kind: 'file';
  readonly path: string;
}

/** A split the splits stage computes (findings/splits) and caches by `splitSourceKey`. */
export interface ComputedSplitSource {
  readonly kind: 'computed';
  /** A metric name, or `random` for the reference's random split. */
  readonly metric: string;
  /** Dataset of the metric batches. */
  readonly dataset: string;
  readonly seed: number;
  /** Published (fsnas's fixed splitter) or the reference code's behaviour. */
  readonly fidelity: Fidelity;
  /** Search budget that warms up every node's supernet, or null for none. */
  readonly warmup: string | null;
  /** Absent: PAPER_SPLIT_SETTING. */
  readonly setting?: SplitSetting;
}

/** Where a finding's sub-supernets come from. */
export type SplitSource = PaperSplitSource | FileSplitSource | ComputedSplitSource;

/** The setting a computed source uses (its own, else the paper's). */
export const settingOf = (source: ComputedSplitSource): SplitSetting => source.setting ?? PAPER_SPLIT_SETTING;

/** JSON with object keys sorted and undefined fields left out: equal sources give equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A source's identity as text. A computed source's key is content-addressed (a hash of every field,
 * the setting filled in), so two runs that ask for the same split share one cached tree, and a
 * change of any setting gives a new key. The fidelity is hashed as splitting's persisted token
 * (`none` | `reference`, core's fidelityToken), so cached trees keep the keys they were written under.
 */
export function splitSourceKey(source: SplitSource): string {
  if (source.kind === 'paper') return `paper-${source.metric}`;
  if (source.kind === 'file') return `file-${resolve(source.path)}`;
  const hashed = { ...source, fidelity: fidelityToken('splitting', source.fidelity), setting: settingOf(source) };
  const hash = createHash('sha256').update(canonical(hashed)).digest('hex').slice(0, 16);
  return `${source.metric.replace(/[^A-Za-z0-9_.-]/g, '_')}-${source.dataset}-${hash}`;
}

/**
 * A short label for tables and run names: `paper:synflow`, `file:mine.json`, `ours:synflow`; a
 * computed source lists, in brackets, what differs from the paper's setting (cifar10, seed 888,
 * reference fidelity, no warm-up, the paper's tree), e.g. `ours:synflow[seed 0, published, tiny]`.
 */
export function describeSplitSource(source: SplitSource): string {
  if (source.kind === 'paper') return `paper:${source.metric}`;
  if (source.kind === 'file') return `file:${basename(source.path)}`;
  const setting = settingOf(source);
  const differs = [
    source.dataset !== 'cifar10' ? source.dataset : '',
    source.seed !== PAPER_SPLIT_SEED ? `seed ${source.seed}` : '',
    source.fidelity !== 'reference' ? source.fidelity : '',
    source.warmup !== null ? `warm-up ${source.warmup}` : '',
    setting.name !== PAPER_SPLIT_SETTING.name ? setting.name : '',
  ].filter(Boolean);
  return `ours:${source.metric}${differs.length ? `[${differs.join(', ')}]` : ''}`;
}

const COMPUTED_FIELDS = ['dataset', 'seed', 'fidelity', 'warmup'] as const;

/**
 * The command-line form of a source: `paper:<metric>`, `ours:<metric>[,dataset=<d>][,seed=<n>]
 * [,fidelity=published|reference][,warmup=<budget>]` (the paper's setting; defaults cifar10, seed 888,
 * reference, no warm-up; the legacy `fidelity=none` is published), or a split file's path.
 */
export function parseSplitSource(text: string): SplitSource {
  if (text === 'paper') throw new InvalidInputError("a paper split source names its family: 'paper:<metric>', e.g. paper:synflow");
  if (text.startsWith('paper:')) {
    const metric = text.slice('paper:'.length);
    if (metric === '') throw new InvalidInputError(`split source '${text}' names no paper family`);
    return { kind: 'paper', metric };
  }
  if (!text.startsWith('ours:')) {
    if (text === '') throw new InvalidInputError('a split source must not be empty');
    return { kind: 'file', path: text };
  }
  const [metric = '', ...pairs] = text.slice('ours:'.length).split(',');
  if (metric === '') throw new InvalidInputError(`split source '${text}' names no metric`);
  const fields: Record<string, string> = {};
  for (const pair of pairs) {
    const [name = '', value, ...rest] = pair.split('=');
    if (!(COMPUTED_FIELDS as readonly string[]).includes(name) || value === undefined || value === '' || rest.length > 0) {
      throw new InvalidInputError(`split source '${text}': '${pair}' is not one of ${COMPUTED_FIELDS.map((f) => `${f}=<value>`).join(', ')}`);
    }
    if (name in fields) throw new InvalidInputError(`split source '${text}' sets ${name} twice`);
    fields[name] = value;
  }
  const seed = fields['seed'] === undefined ? PAPER_SPLIT_SEED : Number(fields['seed']);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new InvalidInputError(`split source '${text}': seed must be a non-negative integer, got '${fields['seed']}'`);
  const fidelity = fields['fidelity'] === undefined ? 'reference' : parseFidelity(fields['fidelity'], `split source '${text}': fidelity`);
  return { kind: 'computed', metric, dataset: fields['dataset'] ?? 'cifar10', seed, fidelity, warmup: fields['warmup'] ?? null };
}

/** Reads the leaves of any split source; one store per run context (it keeps what it has read). */
export interface SplitStore {
  /**
   * Leaf masks in leaf order. `dataset` picks the paper's masks, which differ per dataset; a file
   * or computed source holds one split, whatever the dataset its leaves are analysed on.
   */
  leaves(source: SplitSource, dataset: string): readonly Mask[];
  /** The split tree behind a source: null for the paper's masks and for leaf-only files. */
  tree(source: SplitSource): SplitTreeDocument | null;
  /** The paper's families of a dataset (empty for a dataset the paper did not split). */
  paperMetrics(dataset: string): readonly string[];
  /** Where the tree of a computed source is cached (what the splits stage writes). */
  treeFile(source: ComputedSplitSource): string;
  /** Whether a computed source's tree is in the cache. */
  has(source: ComputedSplitSource): boolean;
}

/** The default folder of computed split trees: `<data>/splits`. */
export const defaultSplitCacheDir = (env: NodeJS.ProcessEnv = process.env): string => join(writableDataDir(env), 'splits');

/**
 * A SplitStore over `cacheDir` (computed trees, one `<key>.json` each). Split files and cached trees
 * are read with splitting's one split-file reader (readSplitLeaves: a tree is validated and replayed);
 * the paper's masks come from nb201's paper_splits.json loader.
 */
export function createSplitStore(cacheDir: string = defaultSplitCacheDir(), env: NodeJS.ProcessEnv = process.env): SplitStore {
  let paper: PaperSplits | undefined;
  const files = new Map<string, SplitLeavesFile>();
  const treeFile = (source: ComputedSplitSource): string => join(cacheDir, `${splitSourceKey(source)}.json`);

  const read = (source: FileSplitSource | ComputedSplitSource): SplitLeavesFile => {
    const file = source.kind === 'file' ? resolve(source.path) : treeFile(source);
    const known = files.get(file);
    if (known) return known;
    if (source.kind === 'computed' && !existsSync(file)) {
      throw new InvalidInputError(`the split ${describeSplitSource(source)} is not computed yet (no ${file}): run the splits stage, fsnas reproduce --finding splits`);
    }
    const read = readSplitLeaves(file);
    if (source.kind === 'computed') checkComputedTree(source, file, read.tree);
    files.set(file, read);
    return read;
  };

  const paperSplits = (): PaperSplits => (paper ??= loadPaperSplits(env));

  return {
    leaves(source, dataset) {
      if (source.kind !== 'paper') return read(source).leaves;
      const families = paperSplits().get(dataset);
      if (!families) throw new InvalidInputError(`the paper has no splits for dataset '${dataset}'; it has ${[...paperSplits().keys()].join(', ')}`);
      const leaves = families.get(source.metric);
      if (!leaves) throw new InvalidInputError(`the paper has no ${dataset} split for '${source.metric}'; it has ${[...families.keys()].join(', ')}`);
      return leaves;
    },
    tree: (source) => (source.kind === 'paper' ? null : read(source).tree),
    paperMetrics: (dataset) => [...(paperSplits().get(dataset)?.keys() ?? [])],
    treeFile,
    has: (source) => existsSync(treeFile(source)),
  };
}

/** A cached tree must be the tree its key names (a file copied under another key is refused). */
function checkComputedTree(source: ComputedSplitSource, file: string, tree: SplitTreeDocument | null): void {
  const setting = settingOf(source);
  const problem = !tree
    ? 'holds leaves only, not a split tree'
    : tree.options.seed !== source.seed
      ? `has seed ${tree.options.seed}, the source ${source.seed}`
      : fidelityOfTree(tree.options) !== source.fidelity
        ? `has fidelity ${fidelityOfTree(tree.options)}, the source ${source.fidelity}`
        : tree.options.leaves !== setting.leaves
          ? `has ${tree.options.leaves} leaves, the setting ${setting.leaves}`
          : null;
  if (problem) throw new InvalidInputError(`cached split ${file} ${problem}: delete it so the splits stage computes it again`);
}
