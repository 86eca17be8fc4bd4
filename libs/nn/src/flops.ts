import { NUM_EDGES, opMacs } from '@fsnas/nb201';
import { resolveNetConfig, toMask, type MaskLike, type NetConfig } from './config';

/**
 * Multiply-accumulates of one forward pass for one image (convs and the classifier; BN, ReLU,
 * pooling and sums are not counted, as is usual). FLOPs = 2·MACs; fwd+bwd ≈ 3× the forward.
 */
export function forwardMacs(maskLike: MaskLike, partial: Partial<NetConfig> = {}, imageSize = 32): number {
  const cfg = resolveNetConfig(partial);
  const mask = toMask(maskLike);
  let macs = 0;
  let hw = imageSize * imageSize;
  macs += hw * 9 * 3 * cfg.C;
  for (let s = 0; s < 3; s++) {
    const c = cfg.C << s;
    if (s > 0) {
      const inHw = hw;
      hw = Math.ceil(Math.sqrt(inHw) / 2) ** 2;
      macs += hw * 9 * (c / 2) * c + hw * 9 * c * c + hw * (c / 2) * c;
    }
    let perCell = 0;
    for (let e = 0; e < NUM_EDGES; e++) {
      for (const op of mask.allowedOps(e)) {
        perCell += opMacs(op, c, hw);
      }
    }
    macs += cfg.N * perCell;
  }
  macs += 4 * cfg.C * cfg.classes;
  return macs;
}
