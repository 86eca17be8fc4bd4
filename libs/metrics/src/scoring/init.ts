import type { NetworkInit } from '@fsnas/nn';
import type { Fidelity } from '@fsnas/core';

/**
 * The weight init (an @fsnas/nn NetworkInit) a metric network starts from when the settings name none:
 * pytorch_default under the published fidelity, as NASLib's networks have it when its zero-cost measures run, and
 * kaiming_normal_fanin under reference, the paper code's. Metrics that are not invariant to the weight
 * scale (plain, zen, synflow's log, the classifier's share of grad_norm) depend on it.
 */
export function defaultMetricInit(fidelity: Fidelity): NetworkInit {
  return fidelity === 'reference' ? 'kaiming_normal_fanin' : 'pytorch_default';
}
