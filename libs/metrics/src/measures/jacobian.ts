import { tf } from '@fsnas/nn';
import { referenceChunkRows } from './chunks';
import { trainingMode } from './gradients';
import { corrcoefRows, gramRows, hasNaN, symmetricEigenvalues } from './linalg';
import { DEGENERATE_LOW, type MetricValue, type NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';

/**
 * Input-Jacobian metrics (Mellor et al.): jacob_cov (NASLib `jacov`) and epe_nas. Both use
 * J = ∂(Σ logits)/∂x per image (train-mode BN, as NASLib runs them), flattened to one row per image.
 */
export interface InputJacobian {
  /** rows = images (all batches), cols = H·W·3. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
  readonly labels: Int32Array;
}

export function inputJacobian(input: NetworkInput): InputJacobian {
  const cached = input.memo.get('input-jacobian') as InputJacobian | undefined;
  if (cached) return cached;
  const training = trainingMode(input);
  const parts: Float32Array[] = [];
  const labels: number[] = [];
  let cols = 0;
  for (const batch of input.batches) {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(input.net.forward(x as tf.Tensor4D, { training, updateStats: false }).logits))(batch.x));
    parts.push(g.dataSync() as Float32Array);
    cols = g.size / (g.shape[0] as number);
    g.dispose();
    labels.push(...batch.y.dataSync());
  }
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  const result = { data, rows: labels.length, cols, labels: Int32Array.from(labels) };
  input.memo.set('input-jacobian', result);
  return result;
}

/** k of Mellor et al.'s score; NASLib uses 1e-5, the reference 1e-8. */
const MELLOR_K = 1e-5;
const REFERENCE_K = 1e-8;

/**
 * jacob_cov = −Σ_i [ln(λ_i + k) + 1/(λ_i + k)] over the eigenvalues of the correlation matrix of J's rows.
 *
 * Hazards: a correlation matrix is positive semi-definite, so eigenvalues below 0 are rounding; they
 * are clamped to 0 (numpy's eig would give ln of a negative number → NaN → NASLib's −1e8). A row
 * with zero variance (an image whose output does not depend on it, e.g. `none` cutting the cell)
 * makes the correlations undefined: degenerate, −1e8 as NASLib.
 *
 * Reference mode (docs/reference.md §9.1, §9.6): the rows are the 16 parameter chunks of the Σ-logits weight gradients
 * (eval BN), k = 1e-8, and the eigen-decomposition is complex: a slightly negative λ + k gives
 * ln|λ + k| + iπ. The imaginary part is returned too, so distances can use the complex modulus.
 */
export function jacobCov(input: NetworkInput): MetricValue {
  if (input.fidelity === 'reference') return jacobCovReference(input);
  const j = inputJacobian(input);
  const corr = corrcoefRows(j.data, j.rows, j.cols);
  if (hasNaN(corr)) return { value: DEGENERATE_LOW, degenerate: 'an image has a constant Jacobian (output independent of input)' };
  const eig = symmetricEigenvalues(corr, j.rows);
  let s = 0;
  for (const l of eig) {
    const v = Math.max(l, 0) + MELLOR_K;
    s += Math.log(v) + 1 / v;
  }
  return { value: -s };
}

function jacobCovReference(input: NetworkInput): MetricValue {
  const m = referenceChunkRows(input);
  const L = m.presentColumns + m.zeroColumns;
  const gram = gramRows(m.data, m.rows, m.presentColumns);
  const sums = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.presentColumns; c++) s += m.data[r * m.presentColumns + c] as number;
    sums[r] = s;
  }
  // Covariances over all L columns (zeros included) from the present-column sums and Gram matrix.
  const cov = new Float64Array(m.rows * m.rows);
  for (let i = 0; i < m.rows; i++)
    for (let j = 0; j < m.rows; j++) cov[i * m.rows + j] = (gram[i * m.rows + j] as number) - ((sums[i] as number) * (sums[j] as number)) / L;
  const corr = new Float64Array(m.rows * m.rows);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.rows; j++) {
      const d = Math.sqrt((cov[i * m.rows + i] as number) * (cov[j * m.rows + j] as number));
      corr[i * m.rows + j] = d > 0 ? (cov[i * m.rows + j] as number) / d : NaN;
    }
  }
  if (hasNaN(corr)) return { value: DEGENERATE_LOW, degenerate: 'a parameter chunk has zero gradient variance' };
  let re = 0;
  let im = 0;
  for (const l of symmetricEigenvalues(corr, m.rows)) {
    const z = l + REFERENCE_K;
    re += Math.log(Math.abs(z)) + 1 / z;
    if (z < 0) im += Math.PI;
  }
  return im === 0 ? { value: -re } : { value: -re, imaginary: -im };
}

/**
 * epe_nas (Lopes et al., as NASLib): per class c, the correlation matrix of the Jacobian rows of the
 * images labelled c, s_c = Σ ln(|corr| + 1e-5); score = Σ_c |s_c| (≤ 100 classes). A class with one
 * image has the 1×1 correlation 1 (numpy's corrcoef of a single row; NaN if that row is constant). NaN correlations (constant
 * Jacobian rows) make the network degenerate (−1e8, as NASLib's NaN handling).
 */
export function epeNas(input: NetworkInput): MetricValue {
  const j = inputJacobian(input);
  const byClass = new Map<number, number[]>();
  j.labels.forEach((label, i) => {
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  });
  let score = 0;
  for (const rows of byClass.values()) {
    const sub = new Float32Array(rows.length * j.cols);
    rows.forEach((r, k) => sub.set(j.data.subarray(r * j.cols, (r + 1) * j.cols), k * j.cols));
    const corr = corrcoefRows(sub, rows.length, j.cols);
    if (hasNaN(corr)) return { value: DEGENERATE_LOW, degenerate: 'an image has a constant Jacobian (output independent of input)' };
    let s = 0;
    for (const v of corr) s += Math.log(Math.abs(v) + MELLOR_K);
    score += Math.abs(s);
  }
  return { value: score };
}

export const jacobCovMetric = defineMetric({
  name: 'jacob_cov',
  aliases: ['jacov', 'jacobcov'],
  description: 'Mellor et al.: −Σ[ln(λ+k)+1/(λ+k)] of the input-Jacobian correlation',
  higherIsBetter: true,
  usesReference: true,
  // Reference mode differentiates Σ logits w.r.t. the weights (chunk rows, docs/reference.md §9.1); NASLib w.r.t. the input.
  cost: (c) => (c.fidelity === 'reference' ? 3 : 2) * c.forward(c.batch),
  evaluation: { kind: 'network', compute: jacobCov },
});

export const epeNasMetric = defineMetric({
  name: 'epe_nas',
  aliases: ['epe'],
  description: 'EPE-NAS: Σ_c |Σ ln(|corr_c|+1e-5)| of per-class Jacobian correlations',
  higherIsBetter: true,
  usesReference: true,
  // A forward and a backward to the inputs only.
  cost: (c) => 2 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: epeNas },
});
