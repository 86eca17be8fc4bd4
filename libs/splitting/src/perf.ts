import { Rng, medianMs } from '@fsnas/core';
import { bestPartition, referenceClusterize, stirling2 } from './partition';

export interface PartitionPerfRow {
  readonly ops: number;
  readonly groups: number;
  /** Set partitions the exact solver scores: S(n, k), each once. */
  readonly partitions: number;
  readonly medianMs: number;
  /** The reference's clusterize (ordered permutations, docs/reference.md §3.4) on the same matrix, in the same run. */
  readonly referenceEnumerated: number;
  readonly referenceMedianMs: number;
  readonly speedup: number;
}



/**
 * `fsnas bench splitting`: the exact partition solver on 5 ops (NB201) and 8 ops (the DARTS space)
 * into 2–4 groups, against the reference's permutation enumeration as the same-run baseline. Seeded
 * random symmetric similarity matrices.
 */
export function perfPartition(repeats = 21): PartitionPerfRow[] {
  const rng = new Rng(1);
  const rows: PartitionPerfRow[] = [];
  for (const n of [5, 8]) {
    const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) (m[i] as number[])[j] = (m[j] as number[])[i] = rng.uniform() * 2 - 1;
    for (const k of [2, 3, 4]) {
      const ms = medianMs(() => bestPartition(m, { k, kind: 'similarity' }), repeats, 1);
      const referenceMedianMs = medianMs(() => referenceClusterize(m, k), repeats, 1);
      rows.push({ ops: n, groups: k, partitions: stirling2(n, k), medianMs: ms, referenceEnumerated: referenceClusterize(m, k).enumerated, referenceMedianMs, speedup: referenceMedianMs / ms });
    }
  }
  return rows;
}

export function formatPartitionPerf(rows: readonly PartitionPerfRow[]): string {
  const head = 'ops  groups  partitions  median ms   reference: enumerated  median ms   speedup';
  return [
    head,
    ...rows.map(
      (r) =>
        `${String(r.ops).padStart(3)}  ${String(r.groups).padStart(6)}  ${String(r.partitions).padStart(10)}  ${r.medianMs.toFixed(3).padStart(9)}   ${String(r.referenceEnumerated).padStart(21)}  ${r.referenceMedianMs.toFixed(3).padStart(9)}  ${r.speedup.toFixed(1).padStart(7)}×`,
    ),
  ].join('\n');
}
