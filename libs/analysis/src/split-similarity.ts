import { InvalidInputError } from '@fsnas/core';
import { Mask, NUM_EDGES, NUM_OPS, type OpId } from '@fsnas/nb201';
import { leafAssignment } from './leaf-stats';

/** A partition of a set of ops into groups (each group ascending, groups in first-seen leaf order). */
export type OpPartition = readonly (readonly OpId[])[];

export class SplitStructureError extends InvalidInputError {}

/** One node of a level: the parent's mask (the union of its leaves) and how it splits the level's edge. */
export interface LevelNode {
  /** Leaf positions under this node, in leaf order. */
  readonly leaves: readonly number[];
  readonly mask: Mask;
  readonly groups: OpPartition;
}

export interface SplitLevel {
  readonly edge: number;
  readonly nodes: readonly LevelNode[];
}

const opsOf = (bits: number): OpId[] => Array.from({ length: NUM_OPS }, (_, op) => op as OpId).filter((op) => (bits >> op) & 1);
const popcount = (bits: number): number => opsOf(bits).length;

function unionMask(leaves: readonly Mask[], members: readonly number[]): Mask {
  return Mask.fromBits(Array.from({ length: NUM_EDGES }, (_, e) => members.reduce((b, i) => b | (leaves[i] as Mask).rowBits(e), 0)));
}

/** Distinct rows of `edge` among `members`, in first-seen order, or null if they do not partition the node's row. */
function rowPartition(leaves: readonly Mask[], members: readonly number[], edge: number, nodeRow: number): number[] | null {
  const distinct: number[] = [];
  for (const i of members) {
    const row = (leaves[i] as Mask).rowBits(edge);
    if (!distinct.includes(row)) distinct.push(row);
  }
  let union = 0;
  for (const row of distinct) {
    if (union & row) return null;
    union |= row;
  }
  return union === nodeRow ? distinct : null;
}

/**
 * Recover the split tree of a family from its leaf masks. At each level every node with more than one
 * leaf splits one edge (the same edge for the whole level, as in the reference): the level's groups in a
 * node are the distinct allowed-op sets of that edge among the node's leaves, and they must partition
 * the node's allowed ops on it. With `edgeOrder` omitted, each level takes the lowest-numbered edge that
 * splits every node this way; this is the reference's `order` mode (and its seed-888 random mode), and
 * where two orders fit the same leaves the leaf sets are identical anyway.
 */
export function splitLevels(leaves: readonly Mask[], edgeOrder?: readonly number[]): SplitLevel[] {
  if (leaves.length === 0) throw new SplitStructureError('a split family needs at least one leaf');
  let nodes: number[][] = [leaves.map((_, i) => i)];
  const used = new Set<number>();
  const levels: SplitLevel[] = [];
  while (nodes.some((n) => n.length > 1)) {
    const level = levels.length;
    const splitsEvery = (edge: number): number[][] | null => {
      const parts: number[][] = [];
      for (const members of nodes) {
        const row = unionMask(leaves, members).rowBits(edge);
        const part = rowPartition(leaves, members, edge, row);
        if (!part) return null;
        parts.push(part);
      }
      return parts.some((p) => p.length > 1) ? parts : null;
    };
    const candidates = edgeOrder ? [edgeOrder[level]] : Array.from({ length: NUM_EDGES }, (_, e) => e).filter((e) => !used.has(e));
    let edge = -1;
    let parts: number[][] | null = null;
    for (const e of candidates) {
      if (e === undefined) break;
      parts = splitsEvery(e);
      if (parts) {
        edge = e;
        break;
      }
    }
    if (!parts || edge < 0) {
      throw new SplitStructureError(
        `cannot recover level ${level} of the split: ${edgeOrder ? `edge ${edgeOrder[level]} does not` : 'no edge'} split every node into groups that partition its ops (the leaves are not a tree of op-group splits)`,
      );
    }
    used.add(edge);
    const partsOf = parts;
    levels.push({
      edge,
      nodes: nodes.map((members, n) => ({ leaves: members, mask: unionMask(leaves, members), groups: (partsOf[n] as number[]).map(opsOf) })),
    });
    nodes = nodes.flatMap((members, n) => (partsOf[n] as number[]).map((row) => members.filter((i) => (leaves[i] as Mask).rowBits(edge) === row)));
  }
  return levels;
}

/**
 * The reference's `split_distance` between two partitions of the same ops: for each op, the size of the
 * symmetric difference of its group-mates in the two partitions, summed and divided by 2(n−1). Each
 * pair of ops grouped together in exactly one partition counts once per endpoint, so this is the
 * number of disagreeing pairs over (n−1): 0 for equal partitions, at most n/2.
 */
export function splitDistance(a: OpPartition, b: OpPartition): number {
  const opsA = a.flat().sort((x, y) => x - y);
  const opsB = b.flat().sort((x, y) => x - y);
  if (opsA.join() !== opsB.join() || new Set(opsA).size !== opsA.length) {
    throw new InvalidInputError(`split distance needs two partitions of the same ops, got {${a.map((g) => g.join(',')).join('|')}} and {${b.map((g) => g.join(',')).join('|')}}`);
  }
  const groupOf = (p: OpPartition): Map<number, number> => new Map(p.flatMap((g, gi) => g.map((op) => [op, gi] as [number, number])));
  const ga = groupOf(a);
  const gb = groupOf(b);
  let dist = 0;
  for (const x of opsA) for (const y of opsA) if (x !== y && (ga.get(x) === ga.get(y)) !== (gb.get(x) === gb.get(y))) dist++;
  return dist / (2 * (opsA.length - 1));
}

/** Architectures in the intersection of two masks (0 when a row does not overlap). */
function overlap(a: Mask, b: Mask): number {
  let n = 1;
  for (let e = 0; e < NUM_EDGES; e++) n *= popcount(a.rowBits(e) & b.rowBits(e));
  return n;
}

/**
 * Distance between two families' groupings at one level: the expected split distance seen by a random
 * architecture, Σ over node pairs (p of A, q of B) of |p ∩ q| / |A ∩ B| · d(groups_p, groups_q). At
 * level 0 each family has one node and this is just the reference's split_distance. Deeper levels
 * compare nodes that share architectures, so a family compared with itself gives 0. Both levels must
 * split the same edge (the comparison is between partitions of one edge's ops).
 */
export function levelDistance(a: SplitLevel, b: SplitLevel): number {
  if (a.edge !== b.edge) throw new InvalidInputError(`cannot compare a split of edge ${a.edge} with a split of edge ${b.edge}`);
  let weight = 0;
  let sum = 0;
  for (const p of a.nodes) {
    for (const q of b.nodes) {
      const w = overlap(p.mask, q.mask);
      if (w === 0) continue;
      weight += w;
      sum += w * splitDistance(p.groups, q.groups);
    }
  }
  if (weight === 0) throw new InvalidInputError('the two splits share no architecture at this level');
  return sum / weight;
}

/** Leaf of every architecture by dense arch key (-1 where no leaf holds it). */
export function leafAssignmentByKey(leaves: readonly Mask[]): Int32Array {
  return leafAssignment(leaves.map((m) => m.keys()));
}

/**
 * Normalised variation of information between two leaf assignments of the same architectures:
 * VI / H(A,B) = 1 − I(A;B)/H(A,B), a metric in [0, 1] (Kraskov et al. 2005) — 0 iff the two splits have
 * the same leaf sets, 1 iff knowing one leaf says nothing about the other. Architectures outside every
 * leaf of a split count as one extra "uncovered" block of that split. Chosen over the Rand index because
 * it does not shrink towards 0 as the number of leaves grows.
 */
export function leafSetDistance(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new InvalidInputError(`leaf assignments differ in length (${a.length} vs ${b.length})`);
  const { joint, rows, cols, n } = contingency(a, b);
  const entropy = (counts: Iterable<number>): number => {
    let h = 0;
    for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
    return h;
  };
  const hJoint = entropy(joint.values());
  if (hJoint === 0) return 0;
  const mutual = entropy(rows.values()) + entropy(cols.values()) - hJoint;
  return Math.max(0, 1 - mutual / hJoint);
}

/** Fraction of architecture pairs on which the two assignments disagree (same leaf in one, different in the other): 1 − Rand index. */
export function randDistance(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new InvalidInputError(`leaf assignments differ in length (${a.length} vs ${b.length})`);
  const { joint, rows, cols, n } = contingency(a, b);
  const pairs = (counts: Iterable<number>): number => {
    let s = 0;
    for (const c of counts) s += (c * (c - 1)) / 2;
    return s;
  };
  const total = (n * (n - 1)) / 2;
  // Disagreements = pairs together in A only + pairs together in B only.
  return (pairs(rows.values()) + pairs(cols.values()) - 2 * pairs(joint.values())) / total;
}

function contingency(a: Int32Array, b: Int32Array): { joint: Map<number, number>; rows: Map<number, number>; cols: Map<number, number>; n: number } {
  const joint = new Map<number, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  let width = 2;
  for (const y of b) width = Math.max(width, y + 2);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    const key = (x + 1) * width + (y + 1);
    joint.set(key, (joint.get(key) ?? 0) + 1);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
  }
  return { joint, rows, cols, n: a.length };
}

/** Everything F1 needs about one family, computed once. */
export interface FamilyStructure {
  readonly levels: readonly SplitLevel[];
  readonly assignment: Int32Array;
}

export function familyStructure(leaves: readonly Mask[], edgeOrder?: readonly number[]): FamilyStructure {
  return { levels: splitLevels(leaves, edgeOrder), assignment: leafAssignmentByKey(leaves) };
}

export interface SimilarityMatrices {
  readonly names: readonly string[];
  /** [level][i][j]: levelDistance between families i and j (null where they split different edges). */
  readonly levels: readonly (readonly (readonly (number | null)[])[])[];
  /** Mean over the levels both families have on the same edges. */
  readonly groups: readonly (readonly (number | null)[])[];
  /** leafSetDistance (normalised VI) of the leaf assignments. */
  readonly leafSets: readonly (readonly number[])[];
}

/** Metric×metric distance matrices between families (name -> structure). */
export function similarityMatrices(families: ReadonlyMap<string, FamilyStructure>): SimilarityMatrices {
  const names = [...families.keys()];
  const list = names.map((n) => families.get(n) as FamilyStructure);
  const depth = Math.max(...list.map((f) => f.levels.length));
  const levelDist = (i: number, j: number, l: number): number | null => {
    const a = list[i]?.levels[l];
    const b = list[j]?.levels[l];
    return a && b && a.edge === b.edge ? levelDistance(a, b) : null;
  };
  const levels = Array.from({ length: depth }, (_, l) => names.map((_, i) => names.map((_, j) => levelDist(i, j, l))));
  const groups = names.map((_, i) =>
    names.map((_, j) => {
      const ds = levels.map((m) => m[i]?.[j]).filter((d): d is number => typeof d === 'number');
      return ds.length ? ds.reduce((s, d) => s + d, 0) / ds.length : null;
    }),
  );
  const leafSets = list.map((a) => list.map((b) => leafSetDistance(a.assignment, b.assignment)));
  return { names, levels, groups, leafSets };
}

/** Level-0 groups as text, e.g. `{3}|{0,1,2,4}`. */
export function formatPartition(p: OpPartition): string {
  return p.map((g) => `{${g.join(',')}}`).join('|');
}

