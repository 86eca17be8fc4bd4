import type { Rng } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, type Arch, type Mask, type OpId } from '@fsnas/nb201';
import { ALPHA_SIZE } from './alphas';

/** Standard Gumbel noise −log(−log U) for all 30 entries (entries of removed ops are drawn too, so
 * the stream does not depend on the mask). U is kept away from 0 and 1 so the noise is finite. */
export function gumbelNoise(rng: Rng): Float32Array {
  const out = new Float32Array(ALPHA_SIZE);
  for (let i = 0; i < ALPHA_SIZE; i++) {
    const u = Math.min(Math.max(rng.uniform(), 1e-10), 1 - 1e-10);
    out[i] = -Math.log(-Math.log(u));
  }
  return out;
}

/** One draw from a categorical distribution given by `probs[offset..offset+n)`. */
export function categorical(rng: Rng, probs: ArrayLike<number>, ops: readonly OpId[], offset: number): OpId {
  const u = rng.uniform();
  let acc = 0;
  for (const op of ops) {
    acc += probs[offset + op] as number;
    if (u < acc) return op;
  }
  return ops[ops.length - 1] as OpId;
}

/** A path (one op per edge) drawn from per-edge probabilities restricted to the mask. */
export function samplePath(rng: Rng, probs: ArrayLike<number>, mask: Mask): Arch {
  const arch: OpId[] = [];
  for (let e = 0; e < NUM_EDGES; e++) arch.push(categorical(rng, probs, mask.allowedOps(e), e * NUM_OPS));
  return arch;
}

/** A uniformly random path of the mask (RSPS). */
export function uniformPath(rng: Rng, mask: Mask): Arch {
  const arch: OpId[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const ops = mask.allowedOps(e);
    arch.push(ops[rng.int(ops.length)] as OpId);
  }
  return arch;
}

/** Per edge, the allowed op with the largest `scores` (Gumbel-max: α + G). */
export function argmaxPath(scores: ArrayLike<number>, mask: Mask): Arch {
  const arch: OpId[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    let best: OpId | undefined;
    for (const op of mask.allowedOps(e)) if (best === undefined || (scores[e * NUM_OPS + op] as number) > (scores[e * NUM_OPS + best] as number)) best = op;
    arch.push(best as OpId);
  }
  return arch;
}

/**
 * SNAS temperature of epoch e (0-based), the reference's TempScheduler: (1 − e/T)(max − min) + min,
 * clipped at min. With max 1, min 0.1 and T = 50 this is 1 − 0.9e/50 (docs/reference.md §10.11).
 */
export function snasTemperature(epoch: number, totalEpochs: number, max = 1, min = 0.1): number {
  return Math.max(min, (1 - epoch / totalEpochs) * (max - min) + min);
}

/** GDAS temperature: linear from τ_max at the first epoch to τ_min at the last (GDAS paper: 10 → 0.1). */
export function gdasTemperature(epoch: number, totalEpochs: number, max = 10, min = 0.1): number {
  if (totalEpochs <= 1) return max;
  return max - ((max - min) * epoch) / (totalEpochs - 1);
}

/** One-hot 6×5 of a path, flat row-major. */
export function oneHot(arch: Arch): Float32Array {
  const out = new Float32Array(ALPHA_SIZE);
  arch.forEach((op, e) => (out[e * NUM_OPS + op] = 1));
  return out;
}
