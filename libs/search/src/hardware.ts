import { InvalidInputError } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, type Mask } from '@fsnas/nb201';
import { ALPHA_SIZE, maskedSoftmaxValues } from './alphas';

/**
 * A ProxylessNAS-style hardware term on α. The expected cost of the cell under the per-edge op
 * distribution p = masked softmax(α) is intercept + Σ_e Σ_op p[e][op] · cost[e][op] (an additive
 * device-cost model: libs/benchmark hw-model.ts). The term is λ · E[cost], or, with a target (a
 * latency budget), λ · max(0, E[cost] − target). The same p is the sampling distribution of SNAS and
 * GDAS, so one term serves the relaxed and the sampling estimators.
 */
export interface HardwarePenalty {
  /** The device column the costs model (logs, run params). */
  readonly device: string;
  readonly intercept: number;
  /** cost[e][op], 6 × 5. */
  readonly weights: readonly (readonly number[])[];
  readonly lambda: number;
  /** A cost budget: only what the expected cost exceeds it by is penalised. */
  readonly target?: number;
}

/** The expected cost under masked softmax(α), and its gradient with respect to α (30 values, row-major). */
export function expectedCostOfAlpha(alpha: ArrayLike<number>, mask: Mask, penalty: Pick<HardwarePenalty, 'intercept' | 'weights'>): { cost: number; grad: Float64Array } {
  const p = maskedSoftmaxValues(alpha, mask);
  const grad = new Float64Array(ALPHA_SIZE);
  let cost = penalty.intercept;
  for (let e = 0; e < NUM_EDGES; e++) {
    const w = penalty.weights[e] as readonly number[];
    let edge = 0;
    for (const op of mask.allowedOps(e)) edge += (p[e * NUM_OPS + op] as number) * (w[op] as number);
    cost += edge;
    // ∂/∂α_o Σ_k p_k w_k = p_o (w_o − Σ_k p_k w_k): the softmax's Jacobian applied to the costs.
    for (const op of mask.allowedOps(e)) grad[e * NUM_OPS + op] = (p[e * NUM_OPS + op] as number) * ((w[op] as number) - edge);
  }
  return { cost, grad };
}

/** The term's value and its gradient with respect to α. */
export function hardwarePenaltyOf(alpha: ArrayLike<number>, mask: Mask, penalty: HardwarePenalty): { value: number; cost: number; grad: Float64Array } {
  const { cost, grad } = expectedCostOfAlpha(alpha, mask, penalty);
  const excess = penalty.target === undefined ? cost : cost - penalty.target;
  if (excess <= 0) return { value: 0, cost, grad: new Float64Array(ALPHA_SIZE) };
  return { value: penalty.lambda * excess, cost, grad: grad.map((g) => penalty.lambda * g) };
}

/** A penalty a search can use: finite costs, 6 × 5, λ ≥ 0, a positive target if any. */
export function checkHardwarePenalty(penalty: HardwarePenalty): void {
  const where = `hardware penalty (${penalty.device})`;
  if (!Number.isFinite(penalty.lambda) || penalty.lambda < 0) throw new InvalidInputError(`${where}: λ must be a finite number ≥ 0, got ${penalty.lambda}`);
  if (penalty.target !== undefined && !(Number.isFinite(penalty.target) && penalty.target > 0)) throw new InvalidInputError(`${where}: the target must be a positive cost, got ${penalty.target}`);
  if (!Number.isFinite(penalty.intercept) || penalty.weights.length !== NUM_EDGES || penalty.weights.some((row) => row.length !== NUM_OPS || row.some((w) => !Number.isFinite(w)))) {
    throw new InvalidInputError(`${where}: costs must be a finite intercept and 6 × 5 finite per-op costs`);
  }
}
