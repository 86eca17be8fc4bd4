import { weightGradients } from './gradients';
import type { NetworkInput } from '../scoring/types';
import { defineMetric, pairwise } from '../scoring/descriptor';

/**
 * Gradient matching (GM-NAS, Hu et al. 2022): two candidates are alike when their gradients on the
 * weights they share point the same way. A candidate's gradient is a map weight-name → values.
 *
 * Default: cross-entropy gradients with train-mode BN, summed over batches; the cosine is taken over
 * the shared weights only (dot product and both norms), as GM-NAS compares "gradients on shared weights".
 *
 * Reference mode (docs/reference.md §2.3): Σ-logits gradients with eval BN, batches concatenated (not
 * summed); the dot product runs over the shared weights (the split edge's other ops get exact zeros
 * in the reference) but each norm is over the candidate's *whole* gradient, its own op included.
 */
export interface GradientVector {
  /** name → one array per batch. */
  readonly byName: ReadonlyMap<string, readonly Float32Array[]>;
  /** ‖v‖² over every weight of the candidate. */
  readonly squaredNorm: number;
}

export function gradientVector(input: NetworkInput): GradientVector {
  const reference = input.fidelity === 'reference';
  const g = weightGradients(input, reference ? 'sum-logits' : 'cross-entropy');
  const byName = new Map<string, Float32Array[]>();
  let squaredNorm = 0;
  g.names.forEach((name, i) => {
    const parts = reference ? g.perBatch.map((b) => b[i] as Float32Array) : [g.summed[i] as Float32Array];
    for (const p of parts) for (let k = 0; k < p.length; k++) squaredNorm += (p[k] as number) ** 2;
    byName.set(name, parts);
  });
  return { byName, squaredNorm };
}

/** Cosine similarity of two candidates' gradients (0 when either has no shared gradient signal). */
export function gradientCosine(a: GradientVector, b: GradientVector, normOver: 'shared' | 'own'): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [name, pa] of a.byName) {
    const pb = b.byName.get(name);
    if (!pb) continue;
    pa.forEach((va, j) => {
      const vb = pb[j] as Float32Array;
      for (let k = 0; k < va.length; k++) {
        const x = va[k] as number;
        const y = vb[k] as number;
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
    });
  }
  if (normOver === 'own') {
    na = a.squaredNorm;
    nb = b.squaredNorm;
  }
  const d = Math.sqrt(na * nb);
  return d > 0 ? dot / d : 0;
}

export const gradientMatchingMetric = defineMetric({
  name: 'gradient_matching',
  aliases: ['gradientmatching', 'gm'],
  description: 'GM-NAS: cosine similarity of candidates’ gradients on shared weights (pairwise only)',
  higherIsBetter: true,
  usesReference: false,
  // One forward and backward per candidate network.
  cost: (c) => 3 * c.forward(c.batch),
  evaluation: pairwise<GradientVector>({
    summarise: gradientVector,
    // The reference normalises each gradient over the candidate's own weights, GM-NAS over the shared ones.
    similarity: (a, b, fidelity) => gradientCosine(a, b, fidelity === 'reference' ? 'own' : 'shared'),
    value: (v) => Math.sqrt(v.squaredNorm),
  }),
});
