import { tf } from '@fsnas/nn';
import { referenceChunkRows } from './chunks';
import { trainingMode } from './gradients';
import { gramRows, symmetricEigenvalues } from './linalg';
import type { MetricValue, NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';

/**
 * Sentinel for an NTK whose condition number is undefined (λ_min ≤ 0: rank-deficient kernel, e.g.
 * identical gradient rows when `none` cuts the input off). Condition numbers are "lower is better",
 * so the sentinel is huge but finite, so that sums of distances stay finite.
 */
export const NTK_DEGENERATE = 1e30;
/** The reference's NaN replacement (docs/reference.md §2.3). */
export const NTK_REFERENCE_NAN = 1e6;

/**
 * ntk_condition (TE-NAS, Chen et al. 2021): K = J Jᵀ with J the per-image gradients of that image's
 * Σ logits w.r.t. every Conv/Linear weight (train-mode BN, one backward per image: costly, B passes),
 * condition number λ_max / λ_min of K (eigenvalues in float64).
 *
 * Reference mode (docs/reference.md §9.1, §9.6): the rows of J are the 16 parameter chunks of the Σ-logits gradient (eval
 * BN), per batch stacked; cond = λ_max/λ_min as computed, NaN → 1e6. It can be negative or infinite
 * when λ_min ≤ 0: a negative value is what the reference computes and is kept (flagged); an infinite
 * one becomes 1e6 (flagged), since an infinite distance would break the partition sums.
 */
export function ntkCondition(input: NetworkInput): MetricValue {
  if (input.fidelity === 'reference') {
    const m = referenceChunkRows(input);
    const eig = symmetricEigenvalues(gramRows(m.data, m.rows, m.presentColumns), m.rows);
    const cond = (eig[eig.length - 1] as number) / (eig[0] as number);
    if (Number.isNaN(cond) || !Number.isFinite(cond)) return { value: NTK_REFERENCE_NAN, degenerate: `λ_min = ${eig[0] as number}` };
    return (eig[0] as number) <= 0 ? { value: cond, degenerate: `λ_min = ${eig[0] as number} ≤ 0` } : { value: cond };
  }
  const rows = perImageGradients(input);
  const eig = symmetricEigenvalues(gramRows(rows.data, rows.rows, rows.cols), rows.rows);
  const lmin = eig[0] as number;
  const lmax = eig[eig.length - 1] as number;
  // Relative floor: eigenvalues below 1e-12·λ_max are rounding noise of a singular kernel.
  if (!(lmax > 0) || !(lmin > 1e-12 * lmax)) return { value: NTK_DEGENERATE, degenerate: `λ_min = ${lmin} ≤ 0 (singular kernel)` };
  return { value: lmax / lmin };
}

function perImageGradients(input: NetworkInput): { data: Float32Array; rows: number; cols: number } {
  const vars = input.net.weights();
  const cols = vars.reduce((n, v) => n + v.size, 0);
  const training = trainingMode(input);
  const rows = input.batches.reduce((n, b) => n + (b.x.shape[0] as number), 0);
  const data = new Float32Array(rows * cols);
  let r = 0;
  for (const batch of input.batches) {
    const b = batch.x.shape[0] as number;
    for (let i = 0; i < b; i++, r++) {
      // The whole batch goes through the network (train-mode BN couples the images), but only image i's logits are differentiated.
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = input.net.forward(batch.x, { training, updateStats: false });
        return tf.sum(tf.slice(logits, [i, 0], [1, -1])) as tf.Scalar;
      }, vars);
      value.dispose();
      let off = r * cols;
      for (const v of vars) {
        const g = grads[v.name];
        if (g) data.set(g.dataSync(), off);
        off += v.size;
      }
      tf.dispose(grads);
    }
  }
  return { data, rows, cols };
}

export const ntkConditionMetric = defineMetric({
  name: 'ntk_condition',
  aliases: ['ntk'],
  description: 'TE-NAS: condition number of the NTK (lower is better)',
  higherIsBetter: false,
  usesReference: true,
  // NASLib-style: per image, a forward of the whole batch and a backward of that image's logits.
  // Reference mode reuses the Σ-logit weight gradient per batch (chunk rows).
  cost: (c) => (c.fidelity === 'reference' ? 3 : 3 * c.batch) * c.forward(c.batch),
  evaluation: { kind: 'network', compute: ntkCondition },
});
