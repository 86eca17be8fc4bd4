import { InvalidInputError, type Rng } from '@fsnas/core';

/**
 * Weight-init schemes of the reference (docs/reference.md §2.1, `init_utils.py`). Conv/Linear weights
 * only; biases are 0 and BN γ=1, β=0 under every scheme.
 */
export const INIT_SCHEMES = ['kaiming_normal_fanin', 'kaiming_normal_fanout', 'normal'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

export function parseInitScheme(value: string): InitScheme {
  if ((INIT_SCHEMES as readonly string[]).includes(value)) return value as InitScheme;
  throw new InvalidInputError(`init scheme must be one of ${INIT_SCHEMES.join(', ')}, got '${value}'`);
}

/**
 * Fan-in / fan-out as PyTorch computes them, for our layouts: conv filters are HWIO [kh,kw,in,out]
 * (fan_in = kh·kw·in, fan_out = kh·kw·out) and dense weights are [in,out].
 */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 4) {
    const [kh, kw, cin, cout] = shape as [number, number, number, number];
    return { fanIn: kh * kw * cin, fanOut: kh * kw * cout };
  }
  if (shape.length === 2) {
    const [cin, cout] = shape as [number, number];
    return { fanIn: cin, fanOut: cout };
  }
  throw new InvalidInputError(`fans: expected a conv [kh,kw,in,out] or dense [in,out] shape, got [${shape.join(',')}]`);
}

/** Standard deviation of the scheme: sqrt(2/fan) for Kaiming with the ReLU gain, 1 for `normal`. */
export function initStd(shape: readonly number[], scheme: InitScheme): number {
  if (scheme === 'normal') return 1;
  const { fanIn, fanOut } = fans(shape);
  return Math.sqrt(2 / (scheme === 'kaiming_normal_fanin' ? fanIn : fanOut));
}

/** Draw a weight tensor's values (row-major in the given shape) from the scheme. */
export function sampleWeights(shape: readonly number[], scheme: InitScheme, rng: Rng): Float32Array {
  const std = initStd(shape, scheme);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal() * std;
  return out;
}
