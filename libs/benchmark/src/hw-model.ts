import { InvalidInputError } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, type Arch, type Mask } from '@fsnas/nb201';
import type { Benchmark } from './benchmark';
import type { HwDataset, HwMetric } from './settings';

/**
 * An additive model of a measured device cost: cost(arch) ≈ intercept + Σ_e weight[e][op on edge e].
 * Op 0 (none) of every edge is the baseline (weight 0), so the 1 + 6 × 4 coefficients are identified.
 * Additivity is what makes the cost of a sub-supernet and of an α-mixture closed-form and
 * differentiable, as ProxylessNAS's expected-latency term needs.
 */
export interface AdditiveCostModel {
  readonly intercept: number;
  /** weight[e][op]; weight[e][0] = 0. */
  readonly weights: readonly (readonly number[])[];
  /** Share of the cost's variance the model explains, on the rows it was fitted on. */
  readonly r2: number;
  /** Mean absolute error on those rows, in the cost's unit. */
  readonly mae: number;
  readonly rows: number;
}

/** Per device column and dataset: the fit on the benchmark's measured costs, rows without a measurement (NaN) left out. */
export interface DeviceCostModel extends AdditiveCostModel {
  readonly dataset: HwDataset;
  readonly metric: HwMetric;
  /** Mean of the measured costs, for reading the MAE. */
  readonly meanCost: number;
}

const FEATURES = 1 + NUM_EDGES * (NUM_OPS - 1);
const featureOf = (edge: number, op: number): number => 1 + edge * (NUM_OPS - 1) + (op - 1);

/** Least squares on the one-hot op features (normal equations; 25 unknowns, solved with partial pivoting). */
export function fitAdditiveCost(archs: readonly Arch[], costs: ArrayLike<number>): AdditiveCostModel {
  if (archs.length !== costs.length) throw new InvalidInputError(`fitAdditiveCost: ${archs.length} architectures but ${costs.length} costs`);
  const rows: number[] = [];
  for (let i = 0; i < archs.length; i++) if (Number.isFinite(costs[i] as number)) rows.push(i);
  if (rows.length < FEATURES) throw new InvalidInputError(`fitAdditiveCost: ${rows.length} measured rows, fewer than the model's ${FEATURES} coefficients`);
  const a = Array.from({ length: FEATURES }, () => new Float64Array(FEATURES));
  const b = new Float64Array(FEATURES);
  const active: number[] = [];
  for (const i of rows) {
    active.length = 0;
    active.push(0);
    (archs[i] as Arch).forEach((op, edge) => {
      if (op !== 0) active.push(featureOf(edge, op));
    });
    const y = costs[i] as number;
    for (const p of active) {
      b[p] = (b[p] as number) + y;
      const row = a[p] as Float64Array;
      for (const q of active) row[q] = (row[q] as number) + 1;
    }
  }
  const beta = solve(a, b);
  const model = { intercept: beta[0] as number, weights: Array.from({ length: NUM_EDGES }, (_, e) => Array.from({ length: NUM_OPS }, (_, op) => (op === 0 ? 0 : (beta[featureOf(e, op)] as number)))) };
  let mean = 0;
  for (const i of rows) mean += costs[i] as number;
  mean /= rows.length;
  let ssRes = 0;
  let ssTot = 0;
  let abs = 0;
  for (const i of rows) {
    const residual = (costs[i] as number) - predictCost(model, archs[i] as Arch);
    ssRes += residual * residual;
    ssTot += ((costs[i] as number) - mean) ** 2;
    abs += Math.abs(residual);
  }
  return { ...model, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot, mae: abs / rows.length, rows: rows.length };
}

/** Gaussian elimination with partial pivoting on copies of a (n×n) and b. */
function solve(matrix: readonly Float64Array[], rhs: Float64Array): Float64Array {
  const n = rhs.length;
  const a = matrix.map((row) => Float64Array.from(row));
  const b = Float64Array.from(rhs);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((a[r] as Float64Array)[col] as number) > Math.abs((a[pivot] as Float64Array)[col] as number)) pivot = r;
    if (Math.abs((a[pivot] as Float64Array)[col] as number) < 1e-12) throw new InvalidInputError('fitAdditiveCost: the architectures do not determine every op weight (some op never appears on some edge)');
    [a[col], a[pivot]] = [a[pivot] as Float64Array, a[col] as Float64Array];
    [b[col], b[pivot]] = [b[pivot] as number, b[col] as number];
    const top = a[col] as Float64Array;
    for (let r = col + 1; r < n; r++) {
      const row = a[r] as Float64Array;
      const f = (row[col] as number) / (top[col] as number);
      if (f === 0) continue;
      for (let c = col; c < n; c++) row[c] = (row[c] as number) - f * (top[c] as number);
      b[r] = (b[r] as number) - f * (b[col] as number);
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    const row = a[r] as Float64Array;
    let s = b[r] as number;
    for (let c = r + 1; c < n; c++) s -= (row[c] as number) * (x[c] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}

type CostWeights = Pick<AdditiveCostModel, 'intercept' | 'weights'>;

export function predictCost(model: CostWeights, arch: Arch): number {
  return arch.reduce((sum, op, edge) => sum + ((model.weights[edge] as readonly number[])[op] as number), model.intercept);
}

/**
 * The expected cost under per-edge op probabilities p[e][op] (an α-softmax or a sampling
 * distribution): intercept + Σ_e Σ_op p[e][op] · weight[e][op]. It is linear in p, so its gradient
 * with respect to p[e][op] is weight[e][op] (`model.weights`).
 */
export function expectedCost(model: CostWeights, probabilities: readonly (readonly number[])[]): number {
  if (probabilities.length !== NUM_EDGES) throw new InvalidInputError(`expectedCost: ${probabilities.length} edges of probabilities, expected ${NUM_EDGES}`);
  return probabilities.reduce((sum, p, edge) => sum + p.reduce((s, q, op) => s + q * ((model.weights[edge] as readonly number[])[op] as number), 0), model.intercept);
}

/** The mean modelled cost over a sub-supernet's architectures: uniform op probabilities over each edge's allowed ops. */
export function maskExpectedCost(model: CostWeights, mask: Mask): number {
  return expectedCost(
    model,
    Array.from({ length: NUM_EDGES }, (_, e) => {
      const allowed = mask.allowedOps(e);
      return Array.from({ length: NUM_OPS }, (_, op) => ((allowed as readonly number[]).includes(op) ? 1 / allowed.length : 0));
    }),
  );
}

/** The additive model of one HW-NAS-Bench column on one dataset, fitted on every measured architecture. */
export function fitDeviceCost(bench: Benchmark, dataset: HwDataset, metric: HwMetric): DeviceCostModel {
  const costs = bench.hw(dataset, metric);
  const archs = Array.from({ length: bench.size }, (_, i) => bench.arch(i));
  const model = fitAdditiveCost(archs, costs);
  let sum = 0;
  for (const c of costs) if (Number.isFinite(c)) sum += c;
  return { ...model, dataset, metric, meanCost: sum / model.rows };
}
