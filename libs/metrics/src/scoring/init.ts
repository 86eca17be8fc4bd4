import type { NetworkInit } from '@fsnas/nn';
import type { Compat } from './types';

/**
 * The weight init (an @fsnas/nn NetworkInit) a metric network starts from when the settings name none:
 * pytorch_default under naslib, as NASLib's networks have it when its zero-cost measures run, and
 * kaiming_normal_fanin under reference, the paper code's. Metrics that are not invariant to the weight
 * scale (plain, zen, synflow's log, the classifier's share of grad_norm) depend on it.
 */
export function defaultMetricInit(compat: Compat): NetworkInit {
  return compat === 'reference' ? 'kaiming_normal_fanin' : 'pytorch_default';
}
