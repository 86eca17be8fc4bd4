import { Mask, NUM_EDGES, type OpId } from '@fsnas/nb201';
import type { ShapeNode } from './branching';
import { BranchingError } from './errors';
import { PythonRandom } from './python-random';
import { planSplit, splitTreeDocument, type SplitPlanOptions } from './splitter';
import type { SplitNodeRecord, SplitTreeDocument } from './split-tree';

/** The name random splits are recorded under (the reference's `metric=None`). */
export const RANDOM_METRIC = 'random';

/**
 * `construct_random_op_splits(ops, k, seed)` (docs/reference.md §3.5 step 3), drawing from `rng`:
 * reseed, shuffle the ops, put the first n−k into uniformly random groups, give every still-empty
 * group the next op, and put the remaining ops into random groups. Groups keep insertion order.
 * (The reference crashes when n = k; this gives each op its own group, in shuffled order.)
 */
export function constructRandomOpSplits(rng: PythonRandom, ops: readonly number[], k: number, seed: number): number[][] {
  if (!Number.isInteger(k) || k < 1 || k > ops.length) throw new BranchingError(`cannot split ${ops.length} ops into ${k} random groups`);
  rng.seed(seed);
  const shuffled = rng.shuffle([...ops]);
  const n = shuffled.length;
  const groups = Array.from({ length: k }, () => [] as number[]);
  for (const op of shuffled.slice(0, n - k)) (groups[rng.choiceRange(k)] as number[]).push(op);
  const rest = shuffled.slice(n - k);
  let next = 0;
  for (const g of groups) if (g.length === 0) g.push(rest[next++] as number);
  for (const op of rest.slice(next)) (groups[rng.choiceRange(k)] as number[]).push(op);
  return groups;
}

/**
 * Random splits (docs/reference.md §3.5, the `random` "metric"), bit-exact with the reference's use
 * of Python's global `random`:
 *   seed(node seed); s = choice(range(10000)); seed(s); [random edges: edge = choice(remaining)];
 *   groups = construct_random_op_splits(ops, k, node seed);
 *   child i's seed = choice(range(10000·(i+1))), drawn only after child i−1's whole subtree ran.
 * The root's seed is the run seed. With the published fidelity only the docs/reference.md §9.9 factor lookup differs.
 * Edge policy `metric` makes no sense without a metric and is rejected.
 */
export function randomSplit(options: SplitPlanOptions): SplitTreeDocument {
  if (options.edges.kind === 'metric') throw new BranchingError("random splits choose edges by 'order' or 'random', not 'metric'");
  const plan = planSplit(options);
  const lastLevel = plan.levels.length - 1;
  const order = options.edges.kind === 'order' ? (plan.edges as number[]) : null;
  const rng = new PythonRandom(plan.seed);
  const leaves: { path: number[]; mask: Mask }[] = [];

  const visit = (mask: Mask, path: number[], edges: readonly number[], seed: number): SplitNodeRecord => {
    const shape = plan.byPath.get(path.join('.')) as ShapeNode;
    rng.seed(seed);
    rng.seed(rng.choiceRange(10000));
    const edge = order ? (order[shape.level] as number) : rng.choice(edges);
    const ops: OpId[] = mask.allowedOps(edge);
    if (shape.factor > ops.length) throw new BranchingError(`node ${path.join('.') || 'root'}: cannot split edge ${edge} into ${shape.factor} groups, only ${ops.length} ops are allowed there`);
    const groups = constructRandomOpSplits(rng, ops, shape.factor, seed).map((g) => [...g].sort((a, b) => a - b));
    const childMasks = groups.map((g) => mask.restrict(edge, g));
    const record: SplitNodeRecord = {
      path,
      level: shape.level,
      indexInLevel: shape.indexInLevel,
      mask: mask.toRows(),
      edge,
      factor: shape.factor,
      ops,
      evaluation: null,
      cut: null,
      groups,
      seed,
      children: [],
    };
    if (shape.level === lastLevel) {
      childMasks.forEach((m, g) => leaves.push({ path: [...path, g], mask: m }));
      return record;
    }
    const rest = edges.filter((e) => e !== edge);
    for (let i = 0; i < childMasks.length; i++) {
      record.children.push(visit(childMasks[i] as Mask, [...path, i], rest, rng.choiceRange(10000 * (i + 1))));
    }
    return record;
  };

  const root = visit(plan.parent, [], Array.from({ length: NUM_EDGES }, (_, e) => e), plan.seed);
  return splitTreeDocument(RANDOM_METRIC, options, plan, null, root, leaves);
}
