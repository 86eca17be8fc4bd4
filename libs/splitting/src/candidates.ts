import { Mask, type OpId } from '@fsnas/nb201';

export interface EdgeCandidates {
  /** The ops still allowed on the edge, ascending: candidate i keeps only ops[i]. */
  readonly ops: OpId[];
  readonly candidates: Mask[];
}

/**
 * Disjoint candidates (docs/reference.md §3.3): for each op still allowed on `edge`, the parent with
 * that edge restricted to the op alone. Their architecture sets are disjoint and cover the parent.
 */
export function disjointCandidates(parent: Mask, edge: number): EdgeCandidates {
  const ops = parent.allowedOps(edge);
  return { ops, candidates: ops.map((op) => parent.restrict(edge, [op])) };
}
