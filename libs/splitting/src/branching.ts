import { BranchingError } from './errors';
import { PythonRandom } from './python-random';

/**
 * Branching trees (docs/reference.md §3.1): how many groups each split node makes, level by level.
 * `levels[ℓ][i]` is the factor of the i-th node of level ℓ (left to right, i.e. depth-first order).
 */
export interface BranchingOptions {
  /** Target number of leaves (sub-supernets), ≥ 1. */
  readonly leaves: number;
  /** Allowed branching factors, each an integer ≥ 2; used smallest first ("ascending" mode). */
  readonly branching: readonly number[];
  /** Stop at the last full level instead of balancing a partial last level (fewer leaves). */
  readonly dropLeaves?: boolean;
  /** Seeds Python's `random.shuffle` of the last level's factors, as the reference does. */
  readonly seed?: number;
}

/** The reference asserts this bound on the width of the last level. */
export const MAX_LAST_LEVEL_NODES = 32;

/** `ascending_split(m, b_list, drop_leaves, seed)`: the per-level factor lists. */
export function ascendingSplit(options: BranchingOptions): number[][] {
  const { leaves: m, branching, dropLeaves = false, seed = 0 } = options;
  if (!Number.isInteger(m) || m < 1) throw new BranchingError(`leaves must be an integer ≥ 1, got ${m}`);
  if (branching.length === 0) throw new BranchingError('branching needs at least one factor');
  for (const b of branching) {
    // A factor of 1 (or less) would never shrink q, so the reference loops forever.
    if (!Number.isInteger(b) || b < 2) throw new BranchingError(`branching factors must be integers ≥ 2, got ${b}`);
  }
  const pool = [...branching].sort((a, b) => a - b);
  const rng = new PythonRandom(seed);
  const levels: number[][] = [];
  const used = [1, pool[0] as number];
  const nodes = [1];
  // q is a float, exactly as in the reference: the loop stops once q ≤ the factor about to be used.
  let q = m;
  for (let last = used[used.length - 1] as number; q / last > 1; last = used[used.length - 1] as number) {
    q /= last;
    levels.push(new Array<number>(nodes[nodes.length - 1] as number).fill(last));
    nodes.push(used.reduce((a, b) => a * b, 1));
    if (pool.length > 1) pool.splice(pool.indexOf(last), 1);
    used.push(pool[0] as number);
  }
  const width = nodes[nodes.length - 1] as number;
  if (width > MAX_LAST_LEVEL_NODES) {
    throw new BranchingError(`${m} leaves with branching [${branching.join(', ')}] needs ${width} nodes on the last level; at most ${MAX_LAST_LEVEL_NODES} are supported`);
  }
  if (!dropLeaves) {
    const last = lastLevelFactors(used, width, m);
    if (!last) {
      throw new BranchingError(`no way to give ${width} last-level nodes factors from {${[...new Set(used)].join(', ')}} summing to ${m} leaves; try other branching factors`);
    }
    levels.push(rng.shuffle(last));
  }
  return levels;
}

/**
 * The reference scans `combinations_with_replacement(used, width)` (positions, so duplicates in
 * `used` repeat tuples) for those summing to m, keeps the first, then moves to any later one whose
 * min ≥, max ≤ and std ≤ the current one's. We walk the same tuples in the same order, pruned by
 * the sum. With a fixed size and sum, std ≤ ⟺ Σx² ≤, compared exactly on integers instead of numpy's
 * float std (identical except for float noise between different multisets of equal variance).
 */
function lastLevelFactors(used: readonly number[], width: number, m: number): number[] | null {
  const maxValue = used[used.length - 1] as number;
  const tuple = new Array<number>(width).fill(0);
  let best: number[] | null = null;
  let bestSq = 0;
  const visit = (pos: number, start: number, sum: number, sq: number): void => {
    if (pos === width) {
      if (sum !== m) return;
      if (best === null || ((tuple[0] as number) >= (best[0] as number) && (tuple[width - 1] as number) <= (best[width - 1] as number) && sq <= bestSq)) {
        best = [...tuple];
        bestSq = sq;
      }
      return;
    }
    const left = width - pos;
    for (let p = start; p < used.length; p++) {
      const v = used[p] as number;
      // `used` is non-decreasing, so once the smallest completion overshoots, later positions do too.
      if (sum + v * left > m) break;
      if (sum + v + (left - 1) * maxValue < m) continue;
      tuple[pos] = v;
      visit(pos + 1, p, sum + v, sq + v * v);
    }
  };
  visit(0, 0, 0, 0);
  return best;
}

/** How a node's factor is looked up in `levels[ℓ]`. */
export type FactorLookup =
  /** Fixed: by the node's index within its level. */
  | 'level-index'
  /** Reference (bug docs/reference.md §9.9): by the node's child index within its parent. */
  | 'child-index';

export interface ShapeNode {
  readonly level: number;
  /** Index among the nodes of its level, left to right. */
  readonly indexInLevel: number;
  /** Group index taken at each level from the root (empty for the root). */
  readonly path: readonly number[];
  /** Number of groups this node is split into. */
  readonly factor: number;
}

/**
 * The nodes the splitter will visit, level by level. Factors never depend on metric values, so the
 * shape is known up front (progress totals, validation against the ops of the chosen edges).
 */
export function treeShape(levels: readonly (readonly number[])[], lookup: FactorLookup = 'level-index'): ShapeNode[][] {
  const shape: ShapeNode[][] = [];
  let parents: { path: number[] }[] = [{ path: [] }];
  levels.forEach((factors, level) => {
    const nodes = parents.map(({ path }, indexInLevel) => {
      const index = lookup === 'level-index' ? indexInLevel : (path[path.length - 1] ?? 0);
      const factor = factors[index];
      if (factor === undefined) {
        throw new BranchingError(`level ${level} has ${factors.length} factors but node ${indexInLevel} (path ${path.join('.') || 'root'}) needs factor #${index}`);
      }
      if (!Number.isInteger(factor) || factor < 1) throw new BranchingError(`level ${level} factor #${index} must be an integer ≥ 1, got ${factor}`);
      return { level, indexInLevel, path, factor };
    });
    shape.push(nodes);
    parents = nodes.flatMap((n) => Array.from({ length: n.factor }, (_, g) => ({ path: [...n.path, g] })));
  });
  return shape;
}

/** Number of leaves of a shape: the sum of the last level's factors (1 for an empty tree). */
export function leafCount(shape: readonly (readonly ShapeNode[])[]): number {
  const last = shape[shape.length - 1];
  return last ? last.reduce((s, n) => s + n.factor, 0) : 1;
}
