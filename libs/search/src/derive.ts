import type { Rng } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, archKey, type Arch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { ALPHA_SIZE, argmaxAllowed, maskedSoftmaxValues } from './alphas';
import { matrix, plainPath } from './algorithms/common';
import { uniformPath } from './sampling';
import { accuracyOf, type Batch, type EdgeSpec, type SearchModel } from './supernet';

export const DERIVATIONS = ['argmax', 'perturbation'] as const;
export type Derivation = (typeof DERIVATIONS)[number];

/** The genotype of α: argmax over the allowed ops of each edge (docs/reference.md §10.11). */
export function argmaxDerive(model: SearchModel): Arch {
  return argmaxAllowed(model.alphaValues(), model.mask);
}

/** Mean accuracy and loss of one edge weighting over some batches (no gradient, train-mode BN). */
export function evaluateSpec(model: SearchModel, batches: readonly Batch[], spec: () => EdgeSpec): { acc: number; loss: number } {
  let acc = 0;
  let loss = 0;
  for (const b of batches) {
    tf.tidy(() => {
      const logits = model.logits(b.x, spec(), false);
      acc += accuracyOf(logits, b.y);
      const logp = tf.logSoftmax(logits);
      loss += -(tf.mean(tf.sum(tf.mul(logp, tf.oneHot(tf.cast(b.y, 'int32'), logits.shape[1] as number)), 1)).dataSync()[0] as number);
    });
  }
  return { acc: acc / batches.length, loss: loss / batches.length };
}

/**
 * Perturbation-based selection (Wang et al. 2021, "Rethinking architecture selection in DARTS"),
 * one shot and per edge: on the trained supernet mixed by softmax(α), remove each allowed op of the
 * edge in turn (the rest of the row renormalised) and keep the op whose removal lowers validation
 * accuracy the most. Edges are scored independently on the same weights (no progressive
 * discretisation or fine-tuning between edges, unlike DARTS-PT).
 */
export function perturbationDerive(model: SearchModel, batches: readonly Batch[]): Arch {
  const probs = maskedSoftmaxValues(model.alphaValues(), model.mask);
  const arch: number[] = [];
  for (let e = 0; e < NUM_EDGES; e++) {
    const ops = model.mask.allowedOps(e);
    if (ops.length === 1) {
      arch.push(ops[0] as number);
      continue;
    }
    let bestOp = ops[0] as number;
    let worstAcc = Infinity;
    for (const op of ops) {
      const rest = ops.filter((o) => o !== op);
      const w = Float32Array.from(probs);
      let sum = 0;
      for (const o of rest) sum += w[e * NUM_OPS + o] as number;
      for (let k = 0; k < NUM_OPS; k++) w[e * NUM_OPS + k] = rest.includes(k as 0) ? (w[e * NUM_OPS + k] as number) / sum : 0;
      const mask = model.mask.restrict(e, rest);
      const { acc } = evaluateSpec(model, batches, () => ({ kind: 'mixed', weights: matrix(w), mask }));
      if (acc < worstAcc) {
        worstAcc = acc;
        bestOp = op;
      }
    }
    arch.push(bestOp);
  }
  return arch as unknown as Arch;
}

/**
 * RSPS selection: `n` distinct uniformly sampled architectures of the mask (all of them when the mask
 * holds ≤ n), each scored by validation accuracy on the same batches with the shared weights; the
 * best wins (ties: lower loss, then lower arch key).
 */
export function sampledArchSelection(model: SearchModel, batches: readonly Batch[], n: number, rng: Rng): { arch: Arch; acc: number; evaluated: number } {
  const candidates: Arch[] = [];
  if (model.mask.size <= n) for (const a of model.mask.archs()) candidates.push(a);
  else {
    const seen = new Set<number>();
    while (candidates.length < n) {
      const a = uniformPath(rng, model.mask);
      const k = archKey(a);
      if (seen.has(k)) continue;
      seen.add(k);
      candidates.push(a);
    }
  }
  let best: { arch: Arch; acc: number; loss: number } | undefined;
  for (const arch of candidates) {
    const { acc, loss } = evaluateSpec(model, batches, () => plainPath(arch));
    if (!best || acc > best.acc || (acc === best.acc && (loss < best.loss || (loss === best.loss && archKey(arch) < archKey(best.arch))))) best = { arch, acc, loss };
  }
  const chosen = best as { arch: Arch; acc: number };
  return { arch: chosen.arch, acc: chosen.acc, evaluated: candidates.length };
}

export { ALPHA_SIZE };
