import { InvalidInputError, Rng } from '@fsnas/core';
import { INIT_SCHEMES, type InitScheme, type NB201Network } from '@fsnas/nn';
import { assignArray } from './gradients';

/**
 * Weight inits a metric network can start from: the schemes of @fsnas/nn, plus `pytorch_default`,
 * what NASLib's networks have when its zero-cost measures run: PyTorch's default Conv2d/Linear init,
 * kaiming_uniform(a=√5), i.e. U(±1/√fan_in) for weights and biases (BN γ=1, β=0). Metrics that are not
 * invariant to the weight scale (plain, zen, synflow's log, the classifier's share of grad_norm)
 * depend on it.
 */
export const METRIC_INITS = [...INIT_SCHEMES, 'pytorch_default'] as const;
export type MetricInit = (typeof METRIC_INITS)[number];

export function parseMetricInit(value: string): MetricInit {
  if ((METRIC_INITS as readonly string[]).includes(value)) return value as MetricInit;
  throw new InvalidInputError(`init must be one of ${METRIC_INITS.join(', ')}, got '${value}'`);
}

/** The @fsnas/nn scheme to build with (pytorch_default is applied afterwards). */
export function buildScheme(init: MetricInit): InitScheme {
  return init === 'pytorch_default' ? 'kaiming_normal_fanin' : init;
}

/** Redraw Conv/Linear weights and the classifier bias as PyTorch's defaults, from `seed`. */
export function applyMetricInit(net: NB201Network, init: MetricInit, seed: number): void {
  if (init !== 'pytorch_default') return;
  const rng = new Rng((seed ^ 0x7079746f) >>> 0);
  for (const entry of net.params.entries()) {
    if (entry.kind !== 'conv' && entry.kind !== 'linear' && entry.kind !== 'bias') continue;
    const v = entry.variable;
    // Conv HWIO: fan_in = kh·kw·in. Linear [in,out]: fan_in = in. The classifier bias uses the Linear's fan_in.
    const fanIn = entry.kind === 'conv' ? (v.shape[0] as number) * (v.shape[1] as number) * (v.shape[2] as number) : entry.kind === 'linear' ? (v.shape[0] as number) : net.config.C * 4;
    const bound = 1 / Math.sqrt(fanIn);
    assignArray(v, Float32Array.from({ length: v.size }, () => (2 * rng.uniform() - 1) * bound));
  }
}
