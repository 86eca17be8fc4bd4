import { InvalidInputError, Rng } from '@fsnas/core';
import * as tf from '@tensorflow/tfjs-core';
import type { NB201Network } from './network';

/**
 * Weight-init schemes of the reference (docs/reference.md §2.1, `init_utils.py`), the ones a network
 * is built with (BuildOptions.init). Conv/Linear weights only; biases are 0 and BN γ=1, β=0 under
 * every scheme.
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

/**
 * Every init a network can start from: the build schemes, plus `pytorch_default`, PyTorch's default
 * Conv2d/Linear init, kaiming_uniform(a=√5), i.e. U(±1/√fan_in) for weights and biases (BN γ=1, β=0).
 * It is what NASLib's networks have when its zero-cost measures run. It is a redraw after the build
 * (applyNetworkInit), not a build scheme: the network is built with buildScheme's, which its config
 * keeps, so the networks derived from that config (linear_regions' thin one, synflow's complement)
 * are drawn from a build scheme too.
 */
export const NETWORK_INITS = [...INIT_SCHEMES, 'pytorch_default'] as const;
export type NetworkInit = (typeof NETWORK_INITS)[number];

export function parseNetworkInit(value: string): NetworkInit {
  if ((NETWORK_INITS as readonly string[]).includes(value)) return value as NetworkInit;
  throw new InvalidInputError(`init must be one of ${NETWORK_INITS.join(', ')}, got '${value}'`);
}

/** The scheme to build a network of `init` with (pytorch_default is applied afterwards). */
export function buildScheme(init: NetworkInit): InitScheme {
  return init === 'pytorch_default' ? 'kaiming_normal_fanin' : init;
}

/** Under pytorch_default, redraw Conv/Linear weights and the classifier bias as PyTorch's defaults, from `seed`. */
export function applyNetworkInit(net: NB201Network, init: NetworkInit, seed: number): void {
  if (init !== 'pytorch_default') return;
  const rng = new Rng((seed ^ 0x7079746f) >>> 0);
  for (const entry of net.params.entries()) {
    if (entry.kind !== 'conv' && entry.kind !== 'linear' && entry.kind !== 'bias') continue;
    const v = entry.variable;
    // Conv HWIO: fan_in = kh·kw·in. Linear [in,out]: fan_in = in. The classifier bias uses the Linear's fan_in.
    const fanIn = entry.kind === 'bias' ? net.config.C * 4 : fans(v.shape).fanIn;
    const bound = 1 / Math.sqrt(fanIn);
    const values = tf.tensor(Float32Array.from({ length: v.size }, () => (2 * rng.uniform() - 1) * bound), v.shape, 'float32');
    v.assign(values);
    values.dispose();
  }
}
