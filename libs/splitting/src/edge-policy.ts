import { NUM_EDGES } from '@fsnas/nb201';
import { BranchingError } from './errors';
import { PythonRandom } from './python-random';

/**
 * Which edge each split node splits (docs/reference.md §3.2).
 * - `order`: level ℓ splits `edges[ℓ]` (the paper: 0, 1, 2).
 * - `random`: a seeded random order of edges, one per level.
 * - `metric`: as GM-NAS, each node evaluates every candidate edge it has not split yet and splits
 *   the one whose best partition has the lowest normalised cut (see `edgeScore`).
 */
export type EdgePolicy =
  | { readonly kind: 'order'; readonly edges: readonly number[] }
  | { readonly kind: 'random' }
  | { readonly kind: 'metric'; readonly edges?: readonly number[] };

export function checkEdge(edge: unknown, where: string): number {
  if (!Number.isInteger(edge) || (edge as number) < 0 || (edge as number) >= NUM_EDGES) {
    throw new BranchingError(`${where}: edge must be an integer 0..${NUM_EDGES - 1}, got ${JSON.stringify(edge)}`);
  }
  return edge as number;
}

/**
 * The per-level edges of the `order` and `random` policies (every node of a level splits the same
 * edge). `metric` has no plan: it decides per node.
 *
 * Random, fidelity reference: every choice re-seeds with the run seed before `random.choice` over
 * the edges not chosen yet, so the same draw is reused at every level (seed 0 → 3,4,5; 888 → 0,1,2;
 * 777 → 1,2,3). Fixed: one `random` stream seeded once, so successive levels use successive draws
 * (the reference's re-seeding biases orders towards runs of consecutive edges).
 */
export function levelEdges(policy: EdgePolicy, levels: number, seed: number, reference: boolean): number[] | null {
  switch (policy.kind) {
    case 'order': {
      const edges = policy.edges.map((e, i) => checkEdge(e, `edge order[${i}]`));
      if (edges.length < levels) throw new BranchingError(`the split tree has ${levels} levels but the edge order lists only ${edges.length} edges`);
      return edges.slice(0, levels);
    }
    case 'random': {
      if (levels > NUM_EDGES) throw new BranchingError(`random edge order: ${levels} levels need more than the ${NUM_EDGES} edges`);
      const rng = new PythonRandom(seed);
      const remaining = Array.from({ length: NUM_EDGES }, (_, e) => e);
      const chosen: number[] = [];
      for (let level = 0; level < levels; level++) {
        if (reference) rng.seed(seed);
        const edge = rng.choice(remaining);
        chosen.push(edge);
        remaining.splice(remaining.indexOf(edge), 1);
      }
      return chosen;
    }
    case 'metric':
      (policy.edges ?? []).forEach((e, i) => checkEdge(e, `metric edge candidates[${i}]`));
      return null;
  }
}

/**
 * Score of an edge for the `metric` policy: the best partition's cut divided by its number of cross
 * pairs, i.e. the mean cross-group weight (similarity, or −distance). The raw cut grows with the
 * number of pairs, so without the division an edge with more ops left would always look "worse"
 * for a similarity and "better" for a distance. Lowest wins; ties go to the lower edge index.
 */
export function edgeScore(cut: number, crossPairs: number): number {
  return crossPairs > 0 ? cut / crossPairs : 0;
}
