import { InvalidInputError } from '@fsnas/core';

/**
 * Small dense float64 linear algebra for the kernel-based metrics (jacob_cov, nwot, ntk). The
 * matrices are at most a few hundred rows (batch × batch or 16 × 16), so plain JS in float64 is
 * both fast enough and more accurate than float32 tensors; tfjs on wasm has no float64.
 * Matrices are row-major Float64Array with an explicit size n (n × n).
 */

/** Eigenvalues of a symmetric n×n matrix (cyclic Jacobi rotations), ascending. */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  if (matrix.length !== n * n) throw new InvalidInputError(`symmetricEigenvalues: expected ${n * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  // Symmetrise first: float32 accumulations upstream leave ~1e-7 asymmetries that Jacobi would ignore.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * ((a[i * n + j] as number) + (a[j * n + i] as number));
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] as number) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300) || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  return values.sort();
}

/** sign and log|det| of an n×n matrix (LU with partial pivoting), as numpy's slogdet. */
export function slogdet(matrix: Float64Array, n: number): { sign: number; logAbsDet: number } {
  if (matrix.length !== n * n) throw new InvalidInputError(`slogdet: expected ${n * n} entries, got ${matrix.length}`);
  const a = Float64Array.from(matrix);
  let sign = 1;
  let log = 0;
  for (let k = 0; k < n; k++) {
    let piv = k;
    let best = Math.abs(a[k * n + k] as number);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k] as number);
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (best === 0) return { sign: 0, logAbsDet: -Infinity };
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j] as number;
        a[k * n + j] = a[piv * n + j] as number;
        a[piv * n + j] = t;
      }
      sign = -sign;
    }
    const d = a[k * n + k] as number;
    if (d < 0) sign = -sign;
    log += Math.log(Math.abs(d));
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] as number) / d;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] = (a[i * n + j] as number) - f * (a[k * n + j] as number);
    }
  }
  return { sign, logAbsDet: log };
}

/**
 * Pearson correlation matrix between the rows of a rows × cols matrix (numpy.corrcoef). A row with
 * zero variance has undefined correlations: numpy yields NaN there; the caller decides what that
 * means, so they are returned as NaN and reported by `hasNaN`.
 */
export function corrcoefRows(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (data.length !== rows * cols) throw new InvalidInputError(`corrcoefRows: expected ${rows * cols} values, got ${data.length}`);
  const centred = new Float64Array(rows * cols);
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let c = 0; c < cols; c++) mean += data[r * cols + c] as number;
    mean /= cols;
    let ss = 0;
    for (let c = 0; c < cols; c++) {
      const v = (data[r * cols + c] as number) - mean;
      centred[r * cols + c] = v;
      ss += v * v;
    }
    norms[r] = Math.sqrt(ss);
  }
  const gram = gramRows(centred, rows, cols);
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      const d = (norms[i] as number) * (norms[j] as number);
      // Clip like numpy does: rounding can push |r| a hair above 1.
      out[i * rows + j] = d === 0 ? NaN : Math.max(-1, Math.min(1, (gram[i * rows + j] as number) / d));
    }
  }
  return out;
}

/** G = A Aᵀ for a rows × cols row-major matrix, accumulated in float64. */
export function gramRows(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      const oi = i * cols;
      const oj = j * cols;
      for (let c = 0; c < cols; c++) s += (data[oi + c] as number) * (data[oj + c] as number);
      out[i * rows + j] = s;
      out[j * rows + i] = s;
    }
  }
  return out;
}

export function hasNaN(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i] as number)) return true;
  return false;
}



