import { Mask, NUM_EDGES, opSpec, type OpKind } from '@fsnas/nb201';
import { countParameters, forwardMacs, resolveNetConfig, toMask, type MaskLike, type NetConfig } from '@fsnas/nn';
import { NO_FLOPS, defineMetric } from '../scoring/descriptor';

/**
 * Data-free metrics that follow from the mask alone: parameter count and FLOPs. No tensors are
 * built, so they cost microseconds and are exact.
 */

/** Trainable parameters of the network of `mask` (NASLib `params` column × 1e6 for a single arch). */
export function numParams(mask: MaskLike, config: Partial<NetConfig> = {}): number {
  return countParameters(mask, config).total;
}

/**
 * The reference's NParametersCollector (docs/reference.md §2.2, §9.5): its dummy cell never advances the
 * row index, so every edge of every cell is built from row 0 of the mask.
 */
export function numParamsReference(mask: MaskLike, config: Partial<NetConfig> = {}): number {
  const m = toMask(mask);
  const row0 = m.rowBits(0);
  return countParameters(Mask.fromBits(new Array<number>(NUM_EDGES).fill(row0)), config).total;
}

/**
 * Part of NASLib's FLOP counter that is not a convolution MAC, constant over the search space for the
 * default skeleton (C=16, N=5, 32×32, 10 classes): stem BN, reduction blocks' BN/ReLU and shortcut
 * pooling, last BN/ReLU, global pooling and the classifier bias. It was fitted (exactly, residual
 * < 1e-7 MFLOPs) on all 4,726 rows of NAS-Bench-Suite-Zero's CIFAR-10 file; other skeletons use the
 * per-element estimate below, which is what the constant is made of up to ±0.02 MFLOPs.
 */
const NASLIB_DEFAULT_SKELETON_FLOPS = 160_832;

/** Non-MAC operations per output element of each op in NASLib's counter (see flops). */
const ELEMENTWISE_FLOPS: Record<OpKind, number> = { none: 0, skip: 0, conv: 3, pool: 9 };

/**
 * FLOPs in NASLib's convention (its `flops` column, in units of 1, not millions): convolution and
 * classifier multiply-accumulates counted once, plus 3 operations per output element of every
 * ReLU→Conv→BN op (ReLU, BN scale, BN shift), plus 9 per output element of every 3×3 average pool.
 * skip/none cost nothing. The per-op terms reproduce NASLib's values to the unit on all 4,726 rows.
 */
export function flops(mask: MaskLike, config: Partial<NetConfig> = {}, imageSize = 32): number {
  const cfg = resolveNetConfig(config);
  const m = toMask(mask);
  let total = forwardMacs(m, cfg, imageSize);
  let side = imageSize;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) side = Math.ceil(side / 2);
    const elements = side * side * (cfg.C << stage);
    let perCell = 0;
    for (let e = 0; e < NUM_EDGES; e++) {
      for (const op of m.allowedOps(e)) {
        perCell += ELEMENTWISE_FLOPS[opSpec(op).kind] * elements;
      }
    }
    total += cfg.N * perCell;
  }
  return total + skeletonFlops(cfg, imageSize);
}

function skeletonFlops(cfg: NetConfig, imageSize: number): number {
  if (cfg.C === 16 && cfg.N === 5 && cfg.classes === 10 && imageSize === 32) return NASLIB_DEFAULT_SKELETON_FLOPS;
  // Per-element estimate of the same pieces for other skeletons: stem BN (2/elt), each reduction
  // block's two ReLU-Conv-BN (3/elt) and 2×2 shortcut pool (4/input elt... counted per output), last
  // BN+ReLU (3/elt), global average pool (1/elt), classifier bias.
  const s1 = imageSize * imageSize * cfg.C;
  const s2 = Math.ceil(imageSize / 2) ** 2 * 2 * cfg.C;
  const s3 = Math.ceil(imageSize / 4) ** 2 * 4 * cfg.C;
  return 2 * s1 + (6 * s2 + 4 * (s2 / 2)) + (6 * s3 + 4 * (s3 / 2)) + 3 * s3 + s3 + cfg.classes;
}

export const numParamsMetric = defineMetric({
  name: 'num_params',
  aliases: ['params', 'nparams'],
  description: 'trainable parameters (analytic); reference mode reproduces the row-0 bug (docs/reference.md §9.5)',
  higherIsBetter: true,
  usesReference: true,
  cost: NO_FLOPS,
  evaluation: { kind: 'mask', compute: (mask, config, fidelity) => ({ value: fidelity === 'reference' ? numParamsReference(mask, config) : numParams(mask, config) }) },
});

export const flopsMetric = defineMetric({
  name: 'flops',
  aliases: [],
  description: "forward FLOPs of one image in NASLib's convention (analytic)",
  higherIsBetter: true,
  usesReference: true,
  cost: NO_FLOPS,
  evaluation: { kind: 'mask', compute: (mask, config) => ({ value: flops(mask, config) }) },
});
