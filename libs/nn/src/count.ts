import { Mask, NUM_EDGES, parseArch } from '@fsnas/nb201';
import { resolveNetConfig, toMask, type MaskLike, type NetConfig } from './config';

/** Op columns that hold parameters: nor_conv_1x1 (2) and nor_conv_3x3 (3), each ReLU→Conv→BN. */
const CONV_KERNEL: Readonly<Record<number, number>> = { 2: 1, 3: 3 };

export interface ParameterCount {
  /** Trainable scalars (NB201's `params` column × 1e6 for a single architecture). */
  total: number;
  /** Conv and Linear weight tensors and their scalar count (the tensors gradient metrics use). */
  weightTensors: number;
  weights: number;
}

/**
 * Analytic parameter count of the network `buildNetwork(mask, cfg)` would create, with no tensors.
 * Removed ops and `none`/skip/pool hold nothing; each allowed conv op holds k²C² + (2C if affine).
 */
export function countParameters(maskLike: MaskLike, partial: Partial<NetConfig> = {}): ParameterCount {
  const cfg = resolveNetConfig(partial);
  const mask: Mask = toMask(maskLike);
  let total = 0;
  let weightTensors = 0;
  let weights = 0;
  const conv = (k: number, cin: number, cout: number): void => {
    total += k * k * cin * cout;
    weights += k * k * cin * cout;
    weightTensors += 1;
  };
  const bn = (c: number, affine: boolean): void => {
    if (affine) total += 2 * c;
  };
  conv(3, 3, cfg.C);
  bn(cfg.C, true);
  for (let stage = 0; stage < 3; stage++) {
    const c = cfg.C << stage;
    if (stage > 0) {
      conv(3, c / 2, c);
      bn(c, true);
      conv(3, c, c);
      bn(c, true);
      conv(1, c / 2, c);
    }
    for (let cell = 0; cell < cfg.N; cell++) {
      for (let e = 0; e < NUM_EDGES; e++) {
        for (const op of mask.allowedOps(e)) {
          const k = CONV_KERNEL[op];
          if (k === undefined) continue;
          conv(k, c, c);
          bn(c, cfg.affine);
        }
      }
    }
  }
  const last = cfg.C * 4;
  bn(last, true);
  total += last * cfg.classes + cfg.classes;
  weights += last * cfg.classes;
  weightTensors += 1;
  return { total, weightTensors, weights };
}

/** `countParameters` for a CLI-style target: an NB201 arch string or the word `supernet`. */
export function countParametersOf(target: string, partial: Partial<NetConfig> = {}): ParameterCount {
  if (target === 'supernet') return countParameters(Mask.full(), partial);
  return countParameters(parseArch(target), partial);
}
