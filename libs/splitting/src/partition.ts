import type { MatrixKind } from '@fsnas/metrics';
import { PartitionError } from './errors';

/**
 * Exact partitioning of an edge's ops (docs/reference.md §3.4). Items are candidate positions 0..n-1;
 * the splitter maps them to op ids.
 *
 * Objective: minimise the cut Σ W[i][j] over pairs in different groups, with W = S for a similarity
 * (min-cut: keep similar ops together) and W = −D for a distance (equivalently max-cut on D: put
 * distant ops apart). This is the reference's convention: its scalar metrics hand clusterize −|Δm|.
 */

export interface GroupSizeConstraints {
  readonly minSize?: number;
  readonly maxSize?: number;
  /** Sizes differ by at most one: ⌊n/k⌋ ≤ size ≤ ⌈n/k⌉ (combined with minSize/maxSize). */
  readonly balanced?: boolean;
}

export type TieBreak =
  /**
   * Default. Among partitions whose cut is within `tolerance` of the best: the most balanced one
   * (smallest Σ size², i.e. the most cross pairs), then the first in restricted-growth-string order.
   * Groups are listed by their smallest item. Balance is preferred because a tie means the metric
   * cannot tell the ops apart, and the even split shrinks the largest sub-supernet the most.
   */
  | 'balanced'
  /** The reference's clusterize: ordered permutations, small group first, first minimum wins. */
  | 'reference';

export interface PartitionOptions {
  readonly k: number;
  readonly kind: MatrixKind;
  readonly constraints?: GroupSizeConstraints;
  readonly tieBreak?: TieBreak;
  /** Cuts closer than tolerance·max(1, Σ|W|) count as equal (default 1e-12): robust to summation order. */
  readonly tolerance?: number;
}

export interface Partition {
  /** Groups of item indices (ascending within a group). */
  readonly groups: number[][];
  /** Σ W over pairs in different groups (W = S, or −D for a distance). */
  readonly cut: number;
  /** Number of item pairs in different groups. */
  readonly crossPairs: number;
  /** cut / crossPairs (0 when there is a single group): comparable between edges with different op counts. */
  readonly score: number;
  /** How many candidate partitions the solver scored. */
  readonly enumerated: number;
}

/** The cut weights W from a metric matrix: S itself for a similarity, −D for a distance. */
export function cutWeights(matrix: readonly (readonly number[])[], kind: MatrixKind): number[][] {
  checkMatrix(matrix);
  return matrix.map((row) => row.map((v) => (kind === 'distance' ? -v : v)));
}

/** Cut and cross-pair count of given groups under W. */
export function cutOf(W: readonly (readonly number[])[], groups: readonly (readonly number[])[]): { cut: number; crossPairs: number } {
  const group = new Map<number, number>();
  groups.forEach((g, gi) => g.forEach((i) => group.set(i, gi)));
  let cut = 0;
  let crossPairs = 0;
  const items = [...group.keys()].sort((a, b) => a - b);
  for (let a = 0; a < items.length; a++) {
    for (let b = a + 1; b < items.length; b++) {
      const i = items[a] as number;
      const j = items[b] as number;
      if (group.get(i) !== group.get(j)) {
        cut += (W[i] as number[])[j] as number;
        crossPairs++;
      }
    }
  }
  return { cut, crossPairs };
}

/** The best partition of the n items of `matrix` into k groups. */
export function bestPartition(matrix: readonly (readonly number[])[], options: PartitionOptions): Partition {
  const W = cutWeights(matrix, options.kind);
  const n = W.length;
  const { k } = options;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new PartitionError(`cannot split ${n} ops into ${k} groups (need 1 ≤ k ≤ ${n})`);
  if ((options.tieBreak ?? 'balanced') === 'reference') {
    if (options.constraints) throw new PartitionError('group-size constraints are not available with the reference tie order (fidelity reference)');
    return referenceClusterize(W, k);
  }
  return exactMinCut(W, k, sizeBounds(n, k, options.constraints), options.tolerance ?? 1e-12);
}

function sizeBounds(n: number, k: number, c: GroupSizeConstraints | undefined): { min: number; max: number } {
  let min = c?.minSize ?? 1;
  let max = c?.maxSize ?? n;
  if (c?.balanced) {
    min = Math.max(min, Math.floor(n / k));
    max = Math.min(max, Math.ceil(n / k));
  }
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min || min * k > n || max * k < n) {
    throw new PartitionError(`no partition of ${n} ops into ${k} groups has every group size in [${min}, ${max}]`);
  }
  return { min, max };
}

/**
 * Every set partition into exactly k groups, once each, as restricted-growth strings (item i joins
 * an existing group or opens the next one), depth-first so the cut is updated incrementally and
 * size bounds prune early. S(8,4) = 1701 leaves: well under a millisecond.
 */
function exactMinCut(W: number[][], k: number, bounds: { min: number; max: number }, tolerance: number): Partition {
  const n = W.length;
  const scale = Math.max(1, W.reduce((s, row) => s + row.reduce((t, v) => t + Math.abs(v), 0), 0) / 2);
  const tol = tolerance * scale;
  const assign = new Int32Array(n);
  const sizes = new Int32Array(k);
  let best: Int32Array | null = null;
  let bestCut = Infinity;
  let bestSq = Infinity;
  let enumerated = 0;

  const visit = (i: number, open: number, cut: number): void => {
    const left = n - i;
    if (i === n) {
      if (open !== k) return;
      for (let g = 0; g < k; g++) if ((sizes[g] as number) < bounds.min) return;
      enumerated++;
      let sq = 0;
      for (let g = 0; g < k; g++) sq += (sizes[g] as number) ** 2;
      if (best === null || cut < bestCut - tol || (cut <= bestCut + tol && sq < bestSq)) {
        best = assign.slice();
        bestCut = cut;
        bestSq = sq;
      }
      return;
    }
    // Items still needed: unopened groups need `min` each, open groups their shortfall.
    let needed = (k - open) * bounds.min;
    for (let g = 0; g < open; g++) needed += Math.max(0, bounds.min - (sizes[g] as number));
    if (needed > left || open + left < k) return;
    const row = W[i] as number[];
    const last = Math.min(open, k - 1);
    for (let g = 0; g <= last; g++) {
      if ((sizes[g] as number) >= bounds.max) continue;
      let delta = 0;
      for (let j = 0; j < i; j++) if (assign[j] !== g) delta += row[j] as number;
      assign[i] = g;
      sizes[g]++;
      visit(i + 1, g === open ? open + 1 : open, cut + delta);
      sizes[g]--;
    }
  };
  visit(0, 0, 0);
  if (best === null) throw new PartitionError(`no partition of ${n} ops into ${k} groups satisfies the size constraints`);
  const chosen: Int32Array = best;
  const groups = Array.from({ length: k }, () => [] as number[]);
  chosen.forEach((g, i) => (groups[g] as number[]).push(i));
  const { cut, crossPairs } = cutOf(W, groups);
  return { groups, cut, crossPairs, score: crossPairs ? cut / crossPairs : 0, enumerated };
}

/**
 * The reference's clusterize (docs/reference.md §3.4), entry for entry: for the last cut, group sizes s = 1..⌊n/2⌋
 * and every ordered s-permutation p (itertools order) against the rest in original order; for
 * earlier cuts, s = 1..⌊n/2⌋−1 and recursion on the rest. The first entry with the minimum total
 * wins, so the small group comes first, in ascending order. Sums are accumulated in the same order
 * (a∈p outer, b∈rest inner, child total + own cross sum) so float ties resolve the same way.
 */
export function referenceClusterize(W: readonly (readonly number[])[], k: number): Partition {
  const n = W.length;
  const items = Array.from({ length: n }, (_, i) => i);
  const done = (groups: number[][], enumerated: number): Partition => {
    const { cut, crossPairs } = cutOf(W, groups);
    return { groups, cut, crossPairs, score: crossPairs ? cut / crossPairs : 0, enumerated };
  };
  if (k === 1) return done([items], 0);
  if (k === n) return done(items.map((i) => [i]), 0);
  let best: number[][] | null = null;
  let bestTotal = Infinity;
  let enumerated = 0;
  // Cross sums of the groups already cut off, outermost first.
  const crossStack: number[] = [];
  const walk = (ops: number[], remaining: number, prefix: number[][]): void => {
    const maxS = remaining === 1 ? Math.floor(ops.length / 2) : Math.floor(ops.length / 2) - 1;
    for (let s = 1; s <= maxS; s++) {
      for (const p of permutations(ops, s)) {
        const inP = new Set(p);
        const rest = ops.filter((o) => !inP.has(o));
        let cross = 0;
        for (const a of p) for (const b of rest) cross += (W[a] as number[])[b] as number;
        if (remaining === 1) {
          enumerated++;
          const total = addNested(crossStack, cross);
          if (total < bestTotal) {
            bestTotal = total;
            best = [...prefix, [...p], rest];
          }
        } else {
          crossStack.push(cross);
          walk(rest, remaining - 1, [...prefix, [...p]]);
          crossStack.pop();
        }
      }
    }
  };
  walk(items, k - 1, []);
  if (best === null) throw new PartitionError(`the reference enumeration finds no cut of ${n} ops into ${k} groups`);
  return done(best, enumerated);
}

/**
 * The reference adds each level's cross sum onto its child's total on the way back up, so the total
 * is ((c_last + c_m) + …) + c_1; rebuild that association so float ties resolve the same way.
 */
function addNested(outer: readonly number[], last: number): number {
  let total = last;
  for (let i = outer.length - 1; i >= 0; i--) total = total + (outer[i] as number);
  return total;
}

/** itertools.permutations(items, s), in its order (lexicographic by position). */
function* permutations(items: readonly number[], s: number): Generator<number[]> {
  const used = new Array<boolean>(items.length).fill(false);
  const current: number[] = [];
  function* rec(): Generator<number[]> {
    if (current.length === s) {
      yield [...current];
      return;
    }
    for (let i = 0; i < items.length; i++) {
      if (used[i]) continue;
      used[i] = true;
      current.push(items[i] as number);
      yield* rec();
      current.pop();
      used[i] = false;
    }
  }
  yield* rec();
}

/** Number of partitions of n items into k non-empty groups, S(n, k). */
export function stirling2(n: number, k: number): number {
  const S: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(k + 1).fill(0));
  (S[0] as number[])[0] = 1;
  for (let i = 1; i <= n; i++) for (let j = 1; j <= k; j++) (S[i] as number[])[j] = j * ((S[i - 1] as number[])[j] as number) + ((S[i - 1] as number[])[j - 1] as number);
  return (S[n] as number[])[k] as number;
}

function checkMatrix(matrix: readonly (readonly number[])[]): void {
  const n = matrix.length;
  if (n === 0) throw new PartitionError('the matrix is empty');
  matrix.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== n) throw new PartitionError(`matrix row ${i} must have ${n} entries, got ${Array.isArray(row) ? row.length : typeof row}`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new PartitionError(`matrix[${i}][${j}] must be a finite number, got ${v}`);
    });
  });
}
