import { Mask, NUM_EDGES, NUM_OPS } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { ALPHA_SIZE } from './alphas';
import { checkHardwarePenalty, expectedCostOfAlpha, hardwarePenaltyOf, type HardwarePenalty } from './hardware';

const weights = Array.from({ length: NUM_EDGES }, (_, e) => Array.from({ length: NUM_OPS }, (_, op) => (op === 0 ? 0 : 1 + e * 0.3 + op * op * 0.2)));
const penalty: HardwarePenalty = { device: 'test', intercept: 2, weights, lambda: 0.7 };
const mask = Mask.full().restrict(1, [1, 3]).restrict(4, [0, 2, 3, 4]);
const alpha = Float64Array.from({ length: ALPHA_SIZE }, (_, i) => Math.sin(3 * i) * 0.8);

/** Central differences of f at alpha, entry by entry. */
function numericGrad(f: (a: Float64Array) => number): Float64Array {
  const h = 1e-6;
  return Float64Array.from({ length: ALPHA_SIZE }, (_, i) => {
    const plus = Float64Array.from(alpha);
    const minus = Float64Array.from(alpha);
    plus[i] = (plus[i] as number) + h;
    minus[i] = (minus[i] as number) - h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

describe('the hardware term', () => {
  it('has the gradient central differences give, for λ·E[cost] and above and below a target', () => {
    const { cost } = expectedCostOfAlpha(alpha, mask, penalty);
    for (const p of [penalty, { ...penalty, target: cost - 0.5 }, { ...penalty, target: cost + 0.5 }]) {
      const analytic = hardwarePenaltyOf(alpha, mask, p).grad;
      const numeric = numericGrad((a) => hardwarePenaltyOf(a, mask, p).value);
      for (let i = 0; i < ALPHA_SIZE; i++) expect(analytic[i], `entry ${i}, target ${p.target}`).toBeCloseTo(numeric[i] as number, 6);
    }
    // Below the target the term is 0, and so is its gradient.
    expect(hardwarePenaltyOf(alpha, mask, { ...penalty, target: cost + 0.5 }).grad.every((g) => g === 0)).toBe(true);
  });

  it('is the cost of the architecture when α is sharp, and ignores the ops the mask removes', () => {
    const sharp = Float64Array.from({ length: ALPHA_SIZE }, (_, i) => (i % NUM_OPS === 3 ? 40 : 0));
    const { cost, grad } = expectedCostOfAlpha(sharp, Mask.full(), penalty);
    expect(cost).toBeCloseTo(2 + weights.reduce((s, row) => s + (row[3] as number), 0), 9);
    const removed = expectedCostOfAlpha(alpha, mask, penalty).grad;
    for (const op of [0, 2, 4]) expect(removed[1 * NUM_OPS + op]).toBe(0);
    expect(grad.every(Number.isFinite)).toBe(true);
  });

  it('refuses a negative λ, a non-positive target and costs of the wrong shape, naming the device', () => {
    expect(() => checkHardwarePenalty({ ...penalty, lambda: -1 })).toThrow('hardware penalty (test): λ must be a finite number ≥ 0, got -1');
    expect(() => checkHardwarePenalty({ ...penalty, target: 0 })).toThrow('the target must be a positive cost, got 0');
    expect(() => checkHardwarePenalty({ ...penalty, weights: weights.slice(1) })).toThrow('6 × 5 finite per-op costs');
  });
});
