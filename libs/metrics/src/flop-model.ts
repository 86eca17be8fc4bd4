import type { Mask } from '@fsnas/nb201';
import { NUM_EDGES } from '@fsnas/nb201';
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
      // The forward, plus one agreement Gram matrix C·Cᵀ per ReLU on the backend (b² dot products of its units).
      return F(batch) + (2 * batch * batch * reluUnits(mask, config, options.imageSize ?? 32)) / 1e9;
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

/**
 * Units (H·W·channels, one image) of every ReLU the metrics' forward runs: the input of each ReLU-Conv-BN
 * op of the cells (once per conv op, as adapterForward applies them), of the reduction blocks' two
 * convs, and the last activation.
 */
function reluUnits(mask: Mask, config: NetConfig, imageSize: number): number {
  let units = 0;
  let hw = imageSize * imageSize;
  let convOps = 0;
  for (let e = 0; e < NUM_EDGES; e++) for (const op of mask.allowedOps(e)) if (op === 2 || op === 3) convOps++;
  for (let s = 0; s < 3; s++) {
    const c = config.C << s;
    if (s > 0) {
      const before = hw;
      hw = Math.ceil(Math.sqrt(before) / 2) ** 2;
      units += before * (c / 2) + hw * c;
    }
    units += config.N * convOps * hw * c;
  }
  return units + hw * 4 * config.C;
}
