import { readFileSync } from 'node:fs';
import { FIDELITIES, InvalidInputError, fidelityToken, jsonPreview, writeFileAtomic } from '@fsnas/core';
import type { MatrixKind } from '@fsnas/metrics';
import { Mask, NUM_EDGES, NUM_OPS } from '@fsnas/nb201';
import { ascendingSplit, treeShape } from './branching';
import type { EdgePolicy } from './edge-policy';
import { SplitTreeFormatError, SplitTreeReplayError } from './errors';
import { bestPartition, type GroupSizeConstraints } from './partition';
import { fidelityOfTree, type SplitMetricSettings, type SplitSettings, type SplitTreeOptions } from './split-settings';

/**
 * A split tree as plain JSON: everything needed to audit a split (every node's metric values,
 * matrix and groups) and to re-derive its leaves without calling the metric again.
 */
export const SPLIT_TREE_FORMAT = 'fsnas-split-tree';
export const SPLIT_TREE_VERSION = 1;



export interface EdgeEvaluationRecord {
  readonly values: number[];
  readonly matrix: number[][];
  readonly kind: MatrixKind;
}

/** One edge a `metric`-policy node considered. */
export interface EdgeCandidateRecord {
  readonly edge: number;
  readonly ops: number[];
  readonly evaluation: EdgeEvaluationRecord;
  readonly groups: number[][];
  readonly cut: number;
  readonly score: number;
}

export interface SplitNodeRecord {
  /** Group index chosen at each level from the root ([] for the root). */
  readonly path: number[];
  readonly level: number;
  readonly indexInLevel: number;
  readonly mask: number[][];
  readonly edge: number;
  /** Number of groups. */
  readonly factor: number;
  /** Candidate order: the ops allowed on `edge`, ascending. */
  readonly ops: number[];
  /** The metric's answer for the chosen edge; null for random splits and skipped k=1 nodes. */
  readonly evaluation: EdgeEvaluationRecord | null;
  /** Cut of the chosen groups (W = S or −D); null when there was no evaluation. */
  readonly cut: number | null;
  /** Op ids per group; child i (or leaf) restricts `edge` to groups[i]. */
  readonly groups: number[][];
  /** Seed handed to the metric (metric splits) or the node's `random` seed (random splits). */
  readonly seed: number;
  /** Only for the `metric` edge policy: every edge considered, the chosen one included. */
  readonly edgeCandidates?: EdgeCandidateRecord[];
  /** Child nodes; empty on the last level, whose children are leaves. */
  readonly children: SplitNodeRecord[];
}

export interface LeafRecord {
  readonly index: number;
  readonly path: number[];
  readonly mask: number[][];
  readonly size: number;
}

export interface SplitTreeDocument {
  readonly format: typeof SPLIT_TREE_FORMAT;
  readonly version: typeof SPLIT_TREE_VERSION;
  /** The metric's name, or 'random' for random splits. */
  readonly metric: string;
  readonly options: SplitTreeOptions;
  /** How the metric was evaluated (dataset, batches, backend, …), when the splitter was told; absent in older files. */
  readonly metricSettings?: SplitMetricSettings;
  /** Branching factors per level, as `ascendingSplit` returned them. */
  readonly levels: number[][];
  readonly root: SplitNodeRecord;
  readonly leaves: LeafRecord[];
}

/** Leaf masks of a document, in leaf order. */
export function splitTreeLeaves(doc: SplitTreeDocument): Mask[] {
  return doc.leaves.map((l) => Mask.fromRows(l.mask));
}

// ---------------------------------------------------------------------------------------------
// Validation: a hand-written schema check that names the JSON path of the first bad field.

type Json = unknown;

function fail(path: string, detail: string, value: Json): never {
  // A depth-limited preview: the value may be nested thousands deep.
  throw new SplitTreeFormatError(path, `${detail}, got ${jsonPreview(value)}`);
}

function obj(v: Json, path: string): Record<string, Json> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object', v);
  return v as Record<string, Json>;
}

function arr(v: Json, path: string): Json[] {
  if (!Array.isArray(v)) fail(path, 'must be an array', v);
  return v;
}

function int(v: Json, path: string, min = -Infinity, max = Infinity): number {
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
    fail(path, `must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` and ≤ ${max}` : ''}`, v);
  }
  return v as number;
}

function num(v: Json, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a finite number', v);
  return v;
}

function bool(v: Json, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be true or false', v);
  return v;
}

function str(v: Json, path: string): string {
  if (typeof v !== 'string' || v === '') fail(path, 'must be a non-empty string', v);
  return v;
}

function nullable<T>(v: Json, read: (v: Json) => T): T | null {
  return v === null ? null : read(v);
}

function oneOf<T extends string>(v: Json, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`, v);
  return v as T;
}

function intList(v: Json, path: string, min = -Infinity, max = Infinity): number[] {
  return arr(v, path).map((x, i) => int(x, `${path}[${i}]`, min, max));
}

function maskRows(v: Json, path: string): number[][] {
  const rows = arr(v, path);
  if (rows.length !== NUM_EDGES) fail(path, `must have ${NUM_EDGES} edge rows`, v);
  const out = rows.map((r, e) => {
    const row = arr(r, `${path}[${e}]`);
    if (row.length !== NUM_OPS) fail(`${path}[${e}]`, `must have ${NUM_OPS} entries`, r);
    const bits = row.map((x, o) => int(x, `${path}[${e}][${o}]`, 0, 1));
    if (!bits.includes(1)) fail(`${path}[${e}]`, 'must allow at least one op', r);
    return bits;
  });
  return out;
}

function groupsOf(v: Json, path: string): number[][] {
  return arr(v, path).map((g, i) => {
    const group = intList(g, `${path}[${i}]`, 0, NUM_OPS - 1);
    if (group.length === 0) fail(`${path}[${i}]`, 'must not be empty', g);
    return group;
  });
}

function evaluationOf(v: Json, path: string): EdgeEvaluationRecord {
  const o = obj(v, path);
  const values = arr(o['values'], `${path}.values`).map((x, i) => num(x, `${path}.values[${i}]`));
  const matrix = arr(o['matrix'], `${path}.matrix`).map((r, i) => {
    const row = arr(r, `${path}.matrix[${i}]`).map((x, j) => num(x, `${path}.matrix[${i}][${j}]`));
    if (row.length !== values.length) fail(`${path}.matrix[${i}]`, `must have ${values.length} entries (one per candidate)`, r);
    return row;
  });
  if (matrix.length !== values.length) fail(`${path}.matrix`, `must have ${values.length} rows (one per candidate)`, o['matrix']);
  return { values, matrix, kind: oneOf(o['kind'], `${path}.kind`, ['similarity', 'distance'] as const) };
}

function edgePolicyOf(v: Json, path: string): EdgePolicy {
  const o = obj(v, path);
  const kind = oneOf(o['kind'], `${path}.kind`, ['order', 'random', 'metric'] as const);
  if (kind === 'order') return { kind, edges: intList(o['edges'], `${path}.edges`, 0, NUM_EDGES - 1) };
  if (kind === 'metric') return o['edges'] === undefined ? { kind } : { kind, edges: intList(o['edges'], `${path}.edges`, 0, NUM_EDGES - 1) };
  return { kind };
}

function groupSizesOf(v: Json, path: string): GroupSizeConstraints | null {
  if (v === null) return null;
  const o = obj(v, path);
  const out: { minSize?: number; maxSize?: number; balanced?: boolean } = {};
  if (o['minSize'] !== undefined) out.minSize = int(o['minSize'], `${path}.minSize`, 1);
  if (o['maxSize'] !== undefined) out.maxSize = int(o['maxSize'], `${path}.maxSize`, 1);
  if (o['balanced'] !== undefined) out.balanced = bool(o['balanced'], `${path}.balanced`);
  return out;
}

/** Validate one node record (children included), naming the JSON path of a bad field. */
export function validateSplitNode(value: unknown, path = '$'): SplitNodeRecord {
  return nodeOf(value, path);
}

function nodeOf(v: Json, path: string): SplitNodeRecord {
  const o = obj(v, path);
  // Fields are checked in document order, so the first bad one is the one reported.
  const node: SplitNodeRecord = {
    path: intList(o['path'], `${path}.path`, 0),
    level: int(o['level'], `${path}.level`, 0),
    indexInLevel: int(o['indexInLevel'], `${path}.indexInLevel`, 0),
    mask: maskRows(o['mask'], `${path}.mask`),
    edge: int(o['edge'], `${path}.edge`, 0, NUM_EDGES - 1),
    factor: int(o['factor'], `${path}.factor`, 1, NUM_OPS),
    ops: intList(o['ops'], `${path}.ops`, 0, NUM_OPS - 1),
    evaluation: o['evaluation'] === null ? null : evaluationOf(o['evaluation'], `${path}.evaluation`),
    cut: o['cut'] === null ? null : num(o['cut'], `${path}.cut`),
    groups: groupsOf(o['groups'], `${path}.groups`),
    seed: int(o['seed'], `${path}.seed`),
    ...(o['edgeCandidates'] === undefined
      ? {}
      : {
          edgeCandidates: arr(o['edgeCandidates'], `${path}.edgeCandidates`).map((c, i) => {
            const p = `${path}.edgeCandidates[${i}]`;
            const co = obj(c, p);
            return {
              edge: int(co['edge'], `${p}.edge`, 0, NUM_EDGES - 1),
              ops: intList(co['ops'], `${p}.ops`, 0, NUM_OPS - 1),
              evaluation: evaluationOf(co['evaluation'], `${p}.evaluation`),
              groups: groupsOf(co['groups'], `${p}.groups`),
              cut: num(co['cut'], `${p}.cut`),
              score: num(co['score'], `${p}.score`),
            };
          }),
        }),
    children: arr(o['children'], `${path}.children`).map((c, i) => nodeOf(c, `${path}.children[${i}]`)),
  };
  if (node.evaluation && node.evaluation.values.length !== node.ops.length) {
    fail(`${path}.evaluation.values`, `must have one value per candidate op (${node.ops.length})`, node.evaluation.values);
  }
  return node;
}

/** Check that `value` is a split tree document (format, version and every field), or throw SplitTreeFormatError. */
export function validateSplitTree(value: unknown): SplitTreeDocument {
  const o = obj(value, '$');
  if (o['format'] !== SPLIT_TREE_FORMAT) fail('$.format', `must be '${SPLIT_TREE_FORMAT}'`, o['format']);
  if (o['version'] !== SPLIT_TREE_VERSION) fail('$.version', `must be ${SPLIT_TREE_VERSION} (this fsnas reads version ${SPLIT_TREE_VERSION} only)`, o['version']);
  if (typeof o['metric'] !== 'string' || o['metric'] === '') fail('$.metric', 'must be a non-empty string', o['metric']);
  const options = treeOptionsOf(o['options'], '$.options');
  const metricSettings = o['metricSettings'] === undefined ? undefined : metricSettingsOf(o['metricSettings'], '$.metricSettings');
  const levels = arr(o['levels'], '$.levels').map((l, i) => intList(l, `$.levels[${i}]`, 1));
  const root = nodeOf(o['root'], '$.root');
  const leaves = arr(o['leaves'], '$.leaves').map((l, i) => {
    const p = `$.leaves[${i}]`;
    const lo = obj(l, p);
    return { index: int(lo['index'], `${p}.index`, 0), path: intList(lo['path'], `${p}.path`, 0), mask: maskRows(lo['mask'], `${p}.mask`), size: int(lo['size'], `${p}.size`, 1) };
  });
  return { format: SPLIT_TREE_FORMAT, version: SPLIT_TREE_VERSION, metric: o['metric'], options, ...(metricSettings ? { metricSettings } : {}), levels, root, leaves };
}

function treeOptionsOf(v: Json, path: string): SplitTreeOptions {
  const opt = obj(v, path);
  return {
    leaves: int(opt['leaves'], `${path}.leaves`, 1),
    branching: intList(opt['branching'], `${path}.branching`, 2),
    dropLeaves: bool(opt['dropLeaves'], `${path}.dropLeaves`),
    edges: edgePolicyOf(opt['edges'], `${path}.edges`),
    seed: int(opt['seed'], `${path}.seed`),
    compat: oneOf(opt['compat'], `${path}.compat`, FIDELITIES.map((f) => fidelityToken('splitting', f))),
    groupSizes: groupSizesOf(opt['groupSizes'], `${path}.groupSizes`),
    parent: maskRows(opt['parent'], `${path}.parent`),
  };
}

function metricSettingsOf(v: Json, path: string): SplitMetricSettings {
  const o = obj(v, path);
  const network = (n: Json): Record<string, number | boolean> => {
    const entries = Object.entries(obj(n, `${path}.network`));
    for (const [k, x] of entries) if (typeof x !== 'boolean') num(x, `${path}.network.${k}`);
    return Object.fromEntries(entries) as Record<string, number | boolean>;
  };
  return {
    dataset: nullable(o['dataset'], (x) => str(x, `${path}.dataset`)),
    batchSize: nullable(o['batchSize'], (x) => int(x, `${path}.batchSize`, 1)),
    batches: nullable(o['batches'], (x) => int(x, `${path}.batches`, 1)),
    init: nullable(o['init'], (x) => str(x, `${path}.init`)),
    metricCompat: nullable(o['metricCompat'], (x) => str(x, `${path}.metricCompat`)),
    network: nullable(o['network'], network),
    secondOrderBatch: nullable(o['secondOrderBatch'], (x) => int(x, `${path}.secondOrderBatch`, 1)),
    warmup: nullable(o['warmup'], (x) => str(x, `${path}.warmup`)),
    backend: nullable(o['backend'], (x) => str(x, `${path}.backend`)),
  };
}

/** Validate a split's settings record (the node journal's header), naming the JSON path of a bad field. */
export function validateSplitSettings(value: unknown, path = '$'): SplitSettings {
  const o = obj(value, path);
  return { metric: str(o['metric'], `${path}.metric`), ...treeOptionsOf(o, path), ...metricSettingsOf(o, path) };
}

/** Parse and validate split tree JSON text. */
export function parseSplitTree(text: string): SplitTreeDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SplitTreeFormatError('$', `not valid JSON: ${(error as Error).message}`);
  }
  return validateSplitTree(value);
}

export function readSplitTree(file: string): SplitTreeDocument {
  return withFileName(file, () => parseSplitTree(readSplitText(file)));
}

/**
 * What a split file holds: its leaves in leaf order, the metric named in it (null when none), and
 * the tree when the file is a split tree document.
 */
export interface SplitLeavesFile {
  readonly metric: string | null;
  readonly leaves: Mask[];
  readonly tree: SplitTreeDocument | null;
}

/**
 * A list of leaves: each a 6×5 0/1 mask, or an object with a `mask` (a split tree's leaf record:
 * its `size`, when given, must be the mask's). Used for leaf-only split files and the paper's
 * families, so every mask fsnas reads from a file passes the same checks.
 */
export function validateSplitLeaves(value: unknown, path = '$'): Mask[] {
  const list = arr(value, path);
  if (list.length === 0) fail(path, 'must list at least one leaf', value);
  return list.map((leaf, i) => {
    const at = `${path}[${i}]`;
    if (Array.isArray(leaf)) return Mask.fromRows(maskRows(leaf, at));
    const o = obj(leaf, at);
    const mask = Mask.fromRows(maskRows(o['mask'], `${at}.mask`));
    if (o['size'] !== undefined && int(o['size'], `${at}.size`, 1) !== mask.size) fail(`${at}.size`, `must be ${mask.size}, the number of architectures the mask holds`, o['size']);
    return mask;
  });
}

/**
 * Parse a split file, the one reader of split files: a split tree document (`format` set) is
 * validated and replayed (its leaves re-derived from its groups); otherwise the file is
 * `{"metric"?: "<name>", "leaves": [...]}` or a bare list of leaves (validateSplitLeaves).
 */
export function parseSplitLeaves(text: string): SplitLeavesFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SplitTreeFormatError('$', `not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) return { metric: null, leaves: validateSplitLeaves(value), tree: null };
  const o = obj(value, '$');
  if (o['format'] !== undefined) {
    const tree = validateSplitTree(value);
    return { metric: tree.metric, leaves: replaySplitTree(tree), tree };
  }
  const metric = o['metric'] === undefined ? null : str(o['metric'], '$.metric');
  return { metric, leaves: validateSplitLeaves(o['leaves'], '$.leaves'), tree: null };
}

/** parseSplitLeaves of a file; errors name the file (a missing file: `split file not found`). */
export function readSplitLeaves(file: string): SplitLeavesFile {
  return withFileName(file, () => parseSplitLeaves(readSplitText(file)));
}

function readSplitText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidInputError(`split file not found: ${file}`);
    if (code === 'EISDIR') throw new InvalidInputError(`split file ${file} is a directory, not a file`);
    throw new InvalidInputError(`cannot read split file ${file}: ${(error as Error).message}`);
  }
}

/** Run `read`, naming `file` in the JSON path of a format error. */
function withFileName<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof SplitTreeFormatError) throw new SplitTreeFormatError(`${file}: ${error.path}`, error.message.replace(/^split tree \S+: /, ''));
    if (error instanceof SplitTreeReplayError) throw new SplitTreeReplayError(`${file}: ${error.path}`, error.message.replace(/^split tree \S+: /, ''));
    throw error;
  }
}

/** Write atomically (never a half-written tree). */
export function writeSplitTree(file: string, doc: SplitTreeDocument): void {
  writeFileAtomic(file, `${JSON.stringify(doc, null, 1)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Replay: re-derive every child and leaf from the recorded groups, without calling the metric.

export interface ReplayOptions {
  /**
   * Also re-solve each recorded matrix and check that the partition gives the recorded groups
   * (and, for the metric edge policy, the recorded edge). Default true.
   */
  readonly recheckPartitions?: boolean;
}

const sameRows = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Re-derive the leaves of a (validated) split tree from its root mask and recorded groups, check
 * every recorded child mask, factor and leaf along the way, and return the leaves in leaf order.
 * Throws SplitTreeReplayError at the first disagreement.
 */
export function replaySplitTree(input: SplitTreeDocument | unknown, options: ReplayOptions = {}): Mask[] {
  const doc = validateSplitTree(input);
  const recheck = options.recheckPartitions ?? true;
  const reference = fidelityOfTree(doc.options) === 'reference';
  let shape;
  try {
    shape = treeShape(doc.levels, reference ? 'child-index' : 'level-index');
  } catch (error) {
    throw new SplitTreeReplayError('$.levels', (error as Error).message);
  }
  const { leaves: m, branching, dropLeaves, seed } = doc.options;
  let derived: number[][];
  try {
    derived = ascendingSplit({ leaves: m, branching, dropLeaves, seed });
  } catch (error) {
    throw new SplitTreeReplayError('$.options', (error as Error).message);
  }
  if (JSON.stringify(derived) !== JSON.stringify(doc.levels)) throw new SplitTreeReplayError('$.levels', `recorded ${JSON.stringify(doc.levels)} but the options give ${JSON.stringify(derived)}`);
  const expectedFactor = new Map(shape.flat().map((n) => [n.path.join('.'), n.factor]));
  const lastLevel = doc.levels.length - 1;
  const leaves: { path: number[]; mask: Mask }[] = [];
  if (!sameRows(doc.root.mask, doc.options.parent)) throw new SplitTreeReplayError('$.root.mask', 'differs from options.parent');

  const visit = (node: SplitNodeRecord, mask: Mask, at: string, path: number[], level: number): void => {
    const bad = (field: string, detail: string): never => {
      throw new SplitTreeReplayError(`${at}.${field}`, detail);
    };
    if (!sameRows(node.mask, mask.toRows())) bad('mask', `recorded ${Mask.fromRows(node.mask)} but the groups above give ${mask}`);
    if (node.path.join('.') !== path.join('.')) bad('path', `recorded [${node.path}] but the node sits at [${path}]`);
    if (node.level !== level) bad('level', `recorded ${node.level} but the node is on level ${level}`);
    const factor = expectedFactor.get(path.join('.'));
    if (factor !== node.factor) bad('factor', `recorded ${node.factor} but the branching levels give ${factor}`);
    const allowed = mask.allowedOps(node.edge);
    if (node.ops.join() !== allowed.join()) bad('ops', `recorded [${node.ops}] but edge ${node.edge} allows [${allowed}]`);
    const flat = node.groups.flat().sort((a, b) => a - b);
    if (node.groups.length !== node.factor) bad('groups', `has ${node.groups.length} groups, factor is ${node.factor}`);
    if (flat.join() !== allowed.join()) bad('groups', `[${JSON.stringify(node.groups)}] do not partition the allowed ops [${allowed}]`);
    if (recheck && node.evaluation) {
      const tieBreak = reference ? 'reference' : 'balanced';
      const constraints = doc.options.groupSizes ?? undefined;
      const part = bestPartition(node.evaluation.matrix, { k: node.factor, kind: node.evaluation.kind, tieBreak, ...(constraints ? { constraints } : {}) });
      const groups = part.groups.map((g) => g.map((i) => node.ops[i] as number));
      if (JSON.stringify(groups) !== JSON.stringify(node.groups)) bad('groups', `recorded ${JSON.stringify(node.groups)} but the recorded matrix partitions into ${JSON.stringify(groups)}`);
      if (node.edgeCandidates) {
        const best = node.edgeCandidates.reduce((a, b) => (b.score < a.score ? b : a));
        if (best.edge !== node.edge) bad('edge', `recorded edge ${node.edge} but edge ${best.edge} has the lowest recorded score`);
      }
    }
    const childMasks = node.groups.map((g) => mask.restrict(node.edge, g));
    if (level === lastLevel) {
      if (node.children.length !== 0) bad('children', 'nodes on the last level must not have child nodes');
      childMasks.forEach((m, g) => leaves.push({ path: [...path, g], mask: m }));
      return;
    }
    if (node.children.length !== childMasks.length) bad('children', `has ${node.children.length} children for ${childMasks.length} groups`);
    node.children.forEach((child, g) => visit(child, childMasks[g] as Mask, `${at}.children[${g}]`, [...path, g], level + 1));
  };
  visit(doc.root, Mask.fromRows(doc.options.parent), '$.root', [], 0);

  if (doc.leaves.length !== leaves.length) throw new SplitTreeReplayError('$.leaves', `records ${doc.leaves.length} leaves, the groups give ${leaves.length}`);
  leaves.forEach((leaf, i) => {
    const rec = doc.leaves[i] as LeafRecord;
    const at = `$.leaves[${i}]`;
    if (rec.index !== i) throw new SplitTreeReplayError(`${at}.index`, `must be ${i}`);
    if (!sameRows(rec.mask, leaf.mask.toRows())) throw new SplitTreeReplayError(`${at}.mask`, `recorded ${Mask.fromRows(rec.mask)} but the groups give ${leaf.mask}`);
    if (rec.path.join('.') !== leaf.path.join('.')) throw new SplitTreeReplayError(`${at}.path`, `recorded [${rec.path}] but the leaf sits at [${leaf.path}]`);
    if (rec.size !== leaf.mask.size) throw new SplitTreeReplayError(`${at}.size`, `recorded ${rec.size} but the mask holds ${leaf.mask.size} architectures`);
  });
  return leaves.map((l) => l.mask);
}

/** Leaf records from the DFS leaf list of a tree (shared by the metric and random splitters). */
export function leafRecords(leaves: readonly { path: number[]; mask: Mask }[]): LeafRecord[] {
  return leaves.map((l, index) => ({ index, path: l.path, mask: l.mask.toRows(), size: l.mask.size }));
}
