import type { Mask } from '@fsnas/nb201';
import { forwardMacs, resolveNetConfig, type NetConfig } from '@fsnas/nn';
import { TENAS_SAMPLES } from './linear-regions';
import type { MetricName } from './registry';
import { complementMask } from './synflow';
import type { Compat } from './types';

/**
 * Analytic FLOPs of one metric evaluation on one network, for the bench's share of peak.
 *
 * Costs are counted in forward passes F(images) = 2·MACs·images of the convs and the classifier
 * (nn's `forwardMacs`, which matches NASLib's flops exactly). The usual rules of thumb: a backward to
 * the weights and the inputs costs 2F, a backward to the inputs only costs F, and a reverse-over-reverse
 * Hessian-vector product costs about three times the gradient it differentiates. These are estimates
 * of arithmetic done, not of time: BN, ReLU, pooling and the host-side linear algebra are not counted.
 */
export function metricGflop(metric: MetricName, mask: Mask, options: { batch: number; compat: Compat; config?: Partial<NetConfig>; imageSize?: number }): number {
  const config = resolveNetConfig(options.config ?? {});
  const { batch, compat } = options;
  const F = (images: number, c: Partial<NetConfig> = config, imageSize = options.imageSize ?? 32, m: Mask = mask): number => (2 * forwardMacs(m, c, imageSize) * images) / 1e9;
  switch (metric) {
    case 'num_params':
    case 'flops':
    case 'random':
    case 'l2_norm':
      return 0;
    case 'nwot':
      return F(batch);
    case 'zen':
      // Two forwards: the batch and its perturbed copy.
      return 2 * F(batch);
    case 'jacob_cov':
      // Reference mode differentiates Σ logits w.r.t. the weights (chunk rows, B1); NASLib w.r.t. the input.
      return compat === 'reference' ? 3 * F(batch) : 2 * F(batch);
    case 'epe_nas':
      return 2 * F(batch);
    case 'grad_norm':
    case 'snip':
    case 'plain':
    case 'gradient_matching':
      return 3 * F(batch);
    case 'fisher':
      // A forward that finds the layer shapes, then a forward and a backward to the activations only.
      return 3 * F(batch);
    case 'grasp':
      // g = ∂L/∂W (3F), then the Hessian-vector product by double backprop of g·∂L/∂W (≈ 3 × 3F).
      return 12 * F(batch);
    case 'synflow':
      // One all-ones image; reference mode runs the complement network (B2).
      return compat === 'reference' ? 3 * F(1, config, options.imageSize, complementMask(mask)) : 3 * F(1);
    case 'ntk_condition':
      // NASLib-style: per image, a forward of the whole batch and a backward of that image's logits.
      // Reference mode reuses the Σ-logit weight gradient per batch (chunk rows).
      return compat === 'reference' ? 3 * F(batch) : 3 * batch * F(batch);
    case 'linear_regions':
      // TE-NAS: a thin C=1, N=1 network on 1000 3×3 crops; reference: the network on one crop per image.
      return compat === 'reference' ? F(batch, config, 3) : F(TENAS_SAMPLES, { ...config, C: 1, N: 1 }, 3);
  }
}
