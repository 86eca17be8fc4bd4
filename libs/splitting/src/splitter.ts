import { Progress, fidelityToken, yieldToEventLoop, type Fidelity } from '@fsnas/core';
import type { EdgeEvaluation, EdgeMetric } from '@fsnas/metrics';
import { Mask, NUM_EDGES } from '@fsnas/nb201';
import type { NB201Network } from '@fsnas/nn';
import { ascendingSplit, leafCount, treeShape, type ShapeNode } from './branching';
import { disjointCandidates } from './candidates';
import { edgeScore, levelEdges, type EdgePolicy } from './edge-policy';
import { BranchingError, MetricOutputError } from './errors';
import { bestPartition, type GroupSizeConstraints, type Partition } from './partition';
import {
  SPLIT_TREE_FORMAT,
  SPLIT_TREE_VERSION,
  leafRecords,
  type EdgeCandidateRecord,
  type EdgeEvaluationRecord,
  type SplitNodeRecord,
  type SplitTreeDocument,
} from './split-tree';
import { UNKNOWN_METRIC_SETTINGS, type SplitMetricSettings, type SplitSettings, type SplitTreeOptions } from './split-settings';

/**
 * Optional training of the node's supernet before its metric is evaluated (docs/reference.md §3.6;
 * off by default, as in every shipped config; the search library's `warmupSupernet` is one). Called
 * once per node with the node's mask, level and its parent node's trained weights (none at the root);
 * the returned network is what the metric's candidates start from and what the children continue
 * from. The splitter disposes it once the node's subtree is done.
 */
export type WarmupHook = (mask: Mask, level: number, parent: NB201Network | undefined) => Promise<NB201Network>;

export interface ProgressSettings {
  readonly quiet?: boolean;
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
  readonly intervalMs?: number;
}

/** What the branching tree, edges, seed and fidelity of a split are. Shared by metric and random splits. */
export interface SplitPlanOptions {
  /** Target number of leaves (sub-supernets). */
  readonly leaves: number;
  readonly branching: readonly number[];
  readonly dropLeaves?: boolean;
  readonly edges: EdgePolicy;
  readonly seed?: number;
  /** `reference` reproduces the reference code where fsnas fixes it (default published: fsnas's fixed splitter). */
  readonly fidelity?: Fidelity;
  /** The mask to split (default: the full space). */
  readonly parent?: Mask;
}

export interface SplitOptions extends SplitPlanOptions {
  readonly metric: EdgeMetric;
  /** Group-size constraints for every partition (not available with fidelity reference). */
  readonly groupSizes?: GroupSizeConstraints;
  readonly warmup?: WarmupHook;
  /**
   * How `metric` evaluates (dataset, batches, backend, …): part of the split's identity
   * (`splitSettingsOf`), recorded in the tree and compared when `splitToFile` resumes.
   */
  readonly metricSettings?: SplitMetricSettings;
  readonly progress?: ProgressSettings;
  /** Called after each node is finished (its children not yet), e.g. to log or persist partial work. */
  readonly onNode?: (node: SplitNodeRecord) => void;
  /**
   * Finished nodes of an interrupted run with the same options (see node-journal.ts). A node whose
   * path, mask and factor match is reused as recorded: no metric call. Not with `warmup`: trained
   * weights are not journaled, so a resumed warm-up split could not continue as the original would.
   */
  readonly resume?: readonly SplitNodeRecord[];
}

export interface SplitPlan {
  readonly levels: number[][];
  readonly shape: ShapeNode[][];
  /** Per-level edges, or null for the `metric` policy. */
  readonly edges: number[] | null;
  readonly seed: number;
  readonly fidelity: Fidelity;
  readonly parent: Mask;
  readonly byPath: ReadonlyMap<string, ShapeNode>;
}

/**
 * Build and check the plan: branching levels, node shape and level edges. Fails early, with a
 * BranchingError, on trees the ops cannot carry (more groups than ops on an edge, more leaves than
 * architectures).
 */
export function planSplit(options: SplitPlanOptions): SplitPlan {
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new BranchingError(`seed must be a non-negative integer, got ${seed}`);
  const fidelity = options.fidelity ?? 'published';
  const reference = fidelity === 'reference';
  const parent = options.parent ?? Mask.full();
  const levels = ascendingSplit({ leaves: options.leaves, branching: options.branching, dropLeaves: options.dropLeaves ?? false, seed });
  if (levels.length === 0) throw new BranchingError(`${options.leaves} leaves with branching [${options.branching.join(', ')}] and dropLeaves leave no level to split`);
  const shape = treeShape(levels, reference ? 'child-index' : 'level-index');
  const leaves = leafCount(shape);
  if (leaves > parent.size) throw new BranchingError(`${leaves} leaves requested but the mask holds only ${parent.size} architectures`);
  const edges = levelEdges(options.edges, levels.length, seed, reference);
  if (edges) {
    // With distinct level edges every node of level ℓ still has the parent's ops on edges[ℓ].
    const distinct = new Set(edges).size === edges.length;
    shape.forEach((nodes, level) => {
      const edge = edges[level] as number;
      const maxFactor = Math.max(...nodes.map((n) => n.factor));
      if (distinct && maxFactor > parent.allowedCount(edge)) {
        throw new BranchingError(`level ${level} splits edge ${edge} into ${maxFactor} groups but only ${parent.allowedCount(edge)} ops are allowed there`);
      }
    });
  } else if (levels.length > NUM_EDGES) {
    throw new BranchingError(`the metric edge policy splits each edge once: ${levels.length} levels need more than ${NUM_EDGES} edges`);
  }
  const byPath = new Map(shape.flat().map((n) => [n.path.join('.'), n]));
  return { levels, shape, edges, seed, fidelity, parent, byPath };
}

/**
 * The seed handed to the metric at a node: a hash of (run seed, level, index in level). Nodes are
 * independent of evaluation order, so a re-run (or a resumed run) gives every node the same seed.
 * The reference instead seeds torch once and lets nodes consume one stream, which is not
 * reproducible anyway (docs/reference.md §2.1).
 */
export function nodeSeed(seed: number, level: number, indexInLevel: number): number {
  const lo = seed % 4294967296;
  const hi = Math.floor(seed / 4294967296);
  return mix32(mix32(mix32(lo) ^ hi) ^ mix32(Math.imul(level + 1, 0x9e3779b9) ^ (indexInLevel + 1)));
}

function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Check a metric's answer before it is used or recorded: no NaN, right shape, symmetric. */
export function checkEvaluation(metric: string, where: string, n: number, ev: EdgeEvaluation): EdgeEvaluationRecord {
  const bad = (detail: string): never => {
    throw new MetricOutputError(`metric '${metric}' at ${where}: ${detail}`);
  };
  if (ev.kind !== 'similarity' && ev.kind !== 'distance') bad(`kind must be 'similarity' or 'distance', got ${JSON.stringify(ev.kind)}`);
  if (!Array.isArray(ev.values) || ev.values.length !== n) bad(`expected ${n} values (one per candidate), got ${Array.isArray(ev.values) ? ev.values.length : typeof ev.values}`);
  ev.values.forEach((v, i) => Number.isFinite(v) || bad(`value ${i} is ${v}`));
  if (!Array.isArray(ev.matrix) || ev.matrix.length !== n) bad(`expected a ${n}×${n} matrix`);
  ev.matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) bad(`matrix row ${i} must have ${n} entries`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) bad(`matrix[${i}][${j}] is ${v}`);
      const t = (ev.matrix[j] as readonly number[])[i] as number;
      if (Math.abs(v - t) > 1e-6 * Math.max(1, Math.abs(v), Math.abs(t))) bad(`matrix is not symmetric at [${i}][${j}] (${v} vs ${t})`);
    });
  });
  // A metric computed in float32 may differ between [i][j] and [j][i] in the last bits; record the
  // mean so the solver and a later replay see one symmetric matrix ((a + a) / 2 is exactly a).
  const matrix = ev.matrix.map((row, i) => row.map((v, j) => (v + ((ev.matrix[j] as readonly number[])[i] as number)) / 2));
  return { values: [...ev.values], matrix, kind: ev.kind };
}

/**
 * Split a supernet with a metric (docs/reference.md §3.5): depth-first, each node evaluates the
 * disjoint candidates of its edge, partitions the ops exactly, and recurses into the groups in
 * order, so leaf idx = Σ c_ℓ·Π(factors below) with group 0 first.
 *
 * Differences from the reference with the published fidelity: the factor of a node is read by its index in
 * its level (docs/reference.md §9.9), nodes with k = 1 skip the metric call, ties break towards balance, and every node
 * gets its own derived metric seed.
 */
export async function splitSupernet(options: SplitOptions): Promise<SplitTreeDocument> {
  const plan = planSplit(options);
  const { metric } = options;
  const lastLevel = plan.levels.length - 1;
  const reference = plan.fidelity === 'reference';
  if (reference && options.groupSizes) throw new BranchingError('group-size constraints are not available with fidelity reference');
  if (options.warmup && options.resume?.length) throw new BranchingError('a split with warm-up cannot resume (trained weights are not journaled); start it over');
  const tieBreak = reference ? 'reference' : 'balanced';
  const constraints = options.groupSizes;
  const total = plan.shape.reduce((s, l) => s + l.length, 0);
  const progress = new Progress({ label: `split ${metric.name}`, total, unit: 'node', ...options.progress });
  const metricEdges = options.edges.kind === 'metric' ? (options.edges.edges ?? Array.from({ length: NUM_EDGES }, (_, e) => e)) : null;
  const leaves: { path: number[]; mask: Mask }[] = [];
  const resumed = new Map((options.resume ?? []).map((n) => [n.path.join('.'), n]));

  const evaluate = async (mask: Mask, edge: number, k: number, seed: number, where: string, weights: NB201Network | undefined): Promise<EdgeCandidateRecord> => {
    const { ops, candidates } = disjointCandidates(mask, edge);
    if (k > ops.length) throw new BranchingError(`${where}: cannot split edge ${edge} into ${k} groups, only ${ops.length} ops are allowed there`);
    await yieldToEventLoop();
    const raw = await metric.evaluateEdge({ candidates, parent: mask, edge, seed, ...(weights ? { weights } : {}) });
    const evaluation = checkEvaluation(metric.name, `${where} edge ${edge}`, ops.length, raw);
    const part: Partition = bestPartition(evaluation.matrix, { k, kind: evaluation.kind, tieBreak, ...(constraints ? { constraints } : {}) });
    const groups = part.groups.map((g) => g.map((i) => ops[i] as number));
    return { edge, ops, evaluation, groups, cut: part.cut, score: edgeScore(part.cut, part.crossPairs) };
  };

  const visit = async (mask: Mask, path: number[], used: readonly number[], parentWeights?: NB201Network): Promise<SplitNodeRecord> => {
    const key = path.join('.');
    const shape = plan.byPath.get(key) as ShapeNode;
    const { level, indexInLevel, factor: k } = shape;
    const where = `node ${key || 'root'} (level ${level})`;
    const seed = nodeSeed(plan.seed, level, indexInLevel);
    const previous = resumed.get(key);
    if (previous) {
      const why = resumeMismatch(previous, mask, k, seed, plan.edges?.[level]);
      if (why) throw new BranchingError(`cannot resume ${where}: the recorded node ${why}; were the options changed?`);
    } else progress.tick(0, `evaluating ${where}`);
    const weights = options.warmup ? await options.warmup(mask, level, parentWeights) : undefined;
    try {
      return await visitWith(mask, path, used, shape, where, seed, previous, weights);
    } finally {
      weights?.dispose();
    }
  };

  const visitWith = async (
    mask: Mask,
    path: number[],
    used: readonly number[],
    { level, indexInLevel, factor: k }: ShapeNode,
    where: string,
    seed: number,
    previous: SplitNodeRecord | undefined,
    weights: NB201Network | undefined,
  ): Promise<SplitNodeRecord> => {
    let chosen: { edge: number; ops: number[]; evaluation: EdgeEvaluationRecord | null; groups: number[][]; cut: number | null };
    let edgeCandidates: EdgeCandidateRecord[] | undefined;
    const skipMetric = k === 1 && !reference;
    if (previous) {
      chosen = previous;
      edgeCandidates = previous.edgeCandidates;
    } else if (metricEdges) {
      const open = metricEdges.filter((e) => !used.includes(e) && mask.allowedCount(e) >= k);
      if (open.length === 0) throw new BranchingError(`${where}: no unsplit edge among [${metricEdges}] allows ${k} groups`);
      if (skipMetric) {
        const edge = open[0] as number;
        chosen = { edge, ops: mask.allowedOps(edge), evaluation: null, groups: [mask.allowedOps(edge)], cut: null };
      } else {
        edgeCandidates = [];
        for (const e of open) edgeCandidates.push(await evaluate(mask, e, k, seed, where, weights));
        // Strict < keeps the lowest edge index on ties.
        chosen = edgeCandidates.reduce((a, b) => (b.score < a.score ? b : a));
      }
    } else {
      const edge = (plan.edges as number[])[level] as number;
      if (skipMetric) {
        const ops = mask.allowedOps(edge);
        chosen = { edge, ops, evaluation: null, groups: [ops], cut: null };
      } else chosen = await evaluate(mask, edge, k, seed, where, weights);
    }

    const childMasks = chosen.groups.map((g) => mask.restrict(chosen.edge, g));
    const record: SplitNodeRecord = {
      path,
      level,
      indexInLevel,
      mask: mask.toRows(),
      edge: chosen.edge,
      factor: k,
      ops: chosen.ops,
      evaluation: chosen.evaluation,
      cut: chosen.cut,
      groups: chosen.groups,
      seed,
      ...(edgeCandidates ? { edgeCandidates } : {}),
      children: [],
    };
    progress.tick(1, `${previous ? 'resumed' : 'done'} ${where} edge ${chosen.edge} → ${chosen.groups.map((g) => `{${g.join(',')}}`).join('|')}`);
    if (!previous) options.onNode?.(record);
    if (level === lastLevel) {
      childMasks.forEach((m, g) => leaves.push({ path: [...path, g], mask: m }));
      return record;
    }
    for (let g = 0; g < childMasks.length; g++) {
      record.children.push(await visit(childMasks[g] as Mask, [...path, g], [...used, chosen.edge], weights));
    }
    return record;
  };

  const root = await visit(plan.parent, [], []);
  const doc = splitTreeDocument(metric.name, options, plan, constraints ?? null, root, leaves);
  return options.metricSettings ? { ...doc, metricSettings: options.metricSettings } : doc;
}

/** Everything that changes the result of a metric split (see SplitSettings): what a resume must match. */
export function splitSettingsOf(options: SplitOptions): SplitSettings {
  const plan = planSplit(options);
  return { metric: options.metric.name, ...splitTreeOptions(options, plan, options.groupSizes ?? null), ...(options.metricSettings ?? UNKNOWN_METRIC_SETTINGS) };
}

/** The tree options of a split as recorded (defaults filled in), shared by documents and settings. */
function splitTreeOptions(options: SplitPlanOptions, plan: SplitPlan, groupSizes: GroupSizeConstraints | null): SplitTreeOptions {
  return {
    leaves: options.leaves,
    branching: [...options.branching],
    dropLeaves: options.dropLeaves ?? false,
    edges: options.edges,
    seed: plan.seed,
    compat: fidelityToken('splitting', plan.fidelity),
    groupSizes,
    parent: plan.parent.toRows(),
  };
}

/** The JSON document of a finished split, shared by metric and random splits. */
export function splitTreeDocument(
  metric: string,
  options: SplitPlanOptions,
  plan: SplitPlan,
  groupSizes: GroupSizeConstraints | null,
  root: SplitNodeRecord,
  leaves: readonly { path: number[]; mask: Mask }[],
): SplitTreeDocument {
  return {
    format: SPLIT_TREE_FORMAT,
    version: SPLIT_TREE_VERSION,
    metric,
    options: splitTreeOptions(options, plan, groupSizes),
    levels: plan.levels,
    root,
    leaves: leafRecords(leaves),
  };
}

function resumeMismatch(node: SplitNodeRecord, mask: Mask, factor: number, seed: number, edge: number | undefined): string | null {
  if (JSON.stringify(node.mask) !== JSON.stringify(mask.toRows())) return `has mask ${Mask.fromRows(node.mask)}, expected ${mask}`;
  if (node.factor !== factor) return `has factor ${node.factor}, expected ${factor}`;
  if (node.seed !== seed) return `has seed ${node.seed}, expected ${seed}`;
  if (edge !== undefined && node.edge !== edge) return `split edge ${node.edge}, expected ${edge}`;
  const groups = node.groups.flat().sort((a, b) => a - b).join();
  if (groups !== mask.allowedOps(node.edge).join() || node.groups.length !== factor) return `has groups ${JSON.stringify(node.groups)} that do not partition edge ${node.edge}`;
  return null;
}
