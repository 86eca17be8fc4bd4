import { Mask } from '@fsnas/nb201';
import { SplitComparisonError } from './errors';
import type { SplitNodeRecord, SplitTreeDocument } from './split-tree';

/**
 * Distance between two partitions of the same ops, as the reference's `split_distance`: for each
 * op, the size of the symmetric difference between its group-mates in A and in B, summed over ops
 * and divided by 2(n−1). Each disagreeing pair is counted from both ends, so this is
 * (#pairs grouped together in exactly one of A, B) / (n−1): 0 for identical partitions, at most n/2.
 */
export function partitionDistance(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  const groupA = groupIndex(a, 'A');
  const groupB = groupIndex(b, 'B');
  const items = [...groupA.keys()].sort((x, y) => x - y);
  const itemsB = [...groupB.keys()].sort((x, y) => x - y);
  if (items.join() !== itemsB.join()) throw new SplitComparisonError(`partitions cover different ops: [${items}] vs [${itemsB}]`);
  const n = items.length;
  if (n <= 1) return 0;
  let sum = 0;
  for (const o of items) {
    for (const p of items) {
      if (p === o) continue;
      const inA = groupA.get(o) === groupA.get(p);
      const inB = groupB.get(o) === groupB.get(p);
      if (inA !== inB) sum++;
    }
  }
  return sum / (2 * (n - 1));
}

function groupIndex(groups: readonly (readonly number[])[], name: string): Map<number, number> {
  const index = new Map<number, number>();
  groups.forEach((g, gi) =>
    g.forEach((o) => {
      if (index.has(o)) throw new SplitComparisonError(`partition ${name} lists op ${o} twice`);
      index.set(o, gi);
    }),
  );
  return index;
}

/** The shape of a split as seen from its groups: enough to compare two splits level by level. */
export interface GroupTree {
  readonly level: number;
  readonly edge: number;
  readonly mask: Mask;
  readonly groups: number[][];
  /** One per group, or empty on the last level. */
  readonly children: GroupTree[];
}

export function groupTreeOf(doc: SplitTreeDocument): GroupTree {
  const walk = (n: SplitNodeRecord): GroupTree => ({ level: n.level, edge: n.edge, mask: Mask.fromRows(n.mask), groups: n.groups.map((g) => [...g]), children: n.children.map(walk) });
  return walk(doc.root);
}

/**
 * Rebuild the tree of a family of leaf masks (e.g. the paper's 8 masks) given the edge split at each
 * level: at every node the groups are the distinct rows of that edge among its leaves, in order of
 * first appearance (so the paper's leaf order gives the paper's group order).
 */
export function groupTreeFromLeaves(leaves: readonly Mask[], edges: readonly number[], parent: Mask = Mask.full()): GroupTree {
  const build = (mask: Mask, members: readonly Mask[], level: number): GroupTree => {
    const edge = edges[level] as number;
    const rows: number[] = [];
    for (const m of members) if (!rows.includes(m.rowBits(edge))) rows.push(m.rowBits(edge));
    const groups = rows.map((bits) => mask.allowedOps(edge).filter((o) => (bits >> o) & 1));
    const covered = groups.flat().sort((x, y) => x - y);
    if (covered.join() !== mask.allowedOps(edge).join() || groups.some((g, i) => g.length !== popcount(rows[i] as number))) {
      throw new SplitComparisonError(`leaves under ${mask} do not partition edge ${edge}: rows ${groups.map((g) => `{${g}}`).join(' ')}`);
    }
    const last = level === edges.length - 1;
    const children: GroupTree[] = [];
    groups.forEach((g) => {
      const child = mask.restrict(edge, g);
      const inside = members.filter((m) => m.rowBits(edge) === child.rowBits(edge));
      if (last) {
        if (inside.length !== 1 || !(inside[0] as Mask).equals(child)) throw new SplitComparisonError(`expected exactly the leaf ${child}, found ${inside.map(String).join(', ') || 'none'}`);
      } else children.push(build(child, inside, level + 1));
    });
    return { level, edge, mask, groups, children };
  };
  if (edges.length === 0) throw new SplitComparisonError('need the edge split at each level');
  return build(parent, leaves, 0);
}

function popcount(bits: number): number {
  let c = 0;
  for (let b = bits; b; b &= b - 1) c++;
  return c;
}

export interface LevelComparison {
  readonly level: number;
  /** Edges split on this level in A and B, in aligned node order. */
  readonly edgesA: number[];
  readonly edgesB: number[];
  /** partitionDistance per aligned node pair (null when the two nodes split different op sets). */
  readonly distances: (number | null)[];
  /** Mean of the non-null distances (0 when all agree). */
  readonly mean: number;
  readonly identical: boolean;
}

export interface SplitComparison {
  readonly levels: LevelComparison[];
  /** Same leaf masks in the same order. */
  readonly sameLeavesInOrder: boolean;
  /** Same leaf masks, in any order. */
  readonly sameLeafSet: boolean;
}

/**
 * Compare two splits level by level. Nodes are aligned after putting each node's groups in a
 * canonical order (by smallest op), so two trees that differ only in group order compare as
 * identical at every level (their leaves then differ in order only). When an upper level
 * disagrees, lower nodes are still aligned by canonical position; read those distances with care.
 */
export function compareSplits(a: GroupTree, b: GroupTree): SplitComparison {
  const levels: LevelComparison[] = [];
  let layerA: GroupTree[] = [canonical(a)];
  let layerB: GroupTree[] = [canonical(b)];
  while (layerA.length > 0 && layerB.length > 0) {
    const count = Math.min(layerA.length, layerB.length);
    const distances: (number | null)[] = [];
    for (let i = 0; i < count; i++) {
      const na = layerA[i] as GroupTree;
      const nb = layerB[i] as GroupTree;
      const sameOps = na.groups.flat().sort().join() === nb.groups.flat().sort().join();
      distances.push(sameOps ? partitionDistance(na.groups, nb.groups) : null);
    }
    const defined = distances.filter((d): d is number => d !== null);
    levels.push({
      level: levels.length,
      edgesA: layerA.map((n) => n.edge),
      edgesB: layerB.map((n) => n.edge),
      distances,
      mean: defined.length ? defined.reduce((s, d) => s + d, 0) / defined.length : 0,
      identical: layerA.length === layerB.length && layerA.every((n, i) => n.edge === (layerB[i] as GroupTree).edge) && distances.every((d) => d === 0),
    });
    layerA = layerA.flatMap((n) => n.children);
    layerB = layerB.flatMap((n) => n.children);
  }
  const leavesA = leavesOf(a).map(String);
  const leavesB = leavesOf(b).map(String);
  return {
    levels,
    sameLeavesInOrder: leavesA.join(';') === leavesB.join(';'),
    sameLeafSet: [...leavesA].sort().join(';') === [...leavesB].sort().join(';'),
  };
}

/** Compare a computed split tree with a family of leaf masks (the paper's: edges 0, 1, 2). */
export function compareWithFamily(doc: SplitTreeDocument, family: readonly Mask[], edges: readonly number[] = [0, 1, 2]): SplitComparison {
  return compareSplits(groupTreeOf(doc), groupTreeFromLeaves(family, edges, Mask.fromRows(doc.options.parent)));
}

function canonical(t: GroupTree): GroupTree {
  const order = t.groups.map((g, i) => ({ g: [...g].sort((x, y) => x - y), i })).sort((x, y) => (x.g[0] as number) - (y.g[0] as number));
  return {
    ...t,
    groups: order.map((o) => o.g),
    children: t.children.length ? order.map((o) => canonical(t.children[o.i] as GroupTree)) : [],
  };
}

/** Leaves in the tree's own order (DFS, group order). */
export function leavesOf(t: GroupTree): Mask[] {
  if (t.children.length === 0) return t.groups.map((g) => t.mask.restrict(t.edge, g));
  return t.children.flatMap(leavesOf);
}
