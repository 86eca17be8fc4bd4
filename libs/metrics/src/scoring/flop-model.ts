import type { Fidelity } from '@fsnas/core';
import type { Mask } from '@fsnas/nb201';
import { forwardMacs, resolveNetConfig, type NetConfig } from '@fsnas/nn';
import type { CostContext } from './descriptor';
import { METRICS, type MetricName } from './registry';

/**
 * Analytic FLOPs of one metric evaluation on one network, for the bench's share of peak: the metric's
 * own cost model (its descriptor's `cost`) in forward passes F(images) = 2·MACs·images of the convs
 * and the classifier (nn's `forwardMacs`, which matches NASLib's flops exactly).
 */
export function metricGflop(metric: MetricName, mask: Mask, options: { batch: number; fidelity: Fidelity; config?: Partial<NetConfig>; imageSize?: number }): number {
  const config = resolveNetConfig(options.config ?? {});
  const imageSize = options.imageSize ?? 32;
  const context: CostContext = {
    mask,
    batch: options.batch,
    fidelity: options.fidelity,
    config,
    imageSize,
    forward: (images, other = {}) => (2 * forwardMacs(other.mask ?? mask, other.config ?? config, other.imageSize ?? imageSize) * images) / 1e9,
  };
  return METRICS[metric].cost(context);
}
