import { NUM_EDGES, NUM_OPS, isConvOp, type Arch, type Mask } from '@fsnas/nb201';
import { maskedSoftmaxValues } from './alphas';

/**
 * The two signs of a one-shot search collapsing onto parameter-free operations (the DARTS failure
 * NAS-Bench-201 reports: all-skip cells): how many of the derived cell's 6 edges hold none, skip or
 * pool, and how sure α is on each edge.
 */
export function parameterFreeOps(arch: Arch): number {
  return arch.filter((op) => !isConvOp(op)).length;
}

/**
 * Entropy (nats) of each edge's softmax(α) over the ops the mask allows: log(k) for a uniform edge
 * with k ops, 0 for a decided one (or an edge with one op left).
 */
export function alphaEntropy(alpha: ArrayLike<number>, mask: Mask): number[] {
  const p = maskedSoftmaxValues(alpha, mask);
  const out: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    let h = 0;
    for (let op = 0; op < NUM_OPS; op++) {
      const q = p[e * NUM_OPS + op] as number;
      if (q > 0) h -= q * Math.log(q);
    }
    out.push(h);
  }
  return out;
}
