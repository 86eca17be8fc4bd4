import { InvalidInputError } from '@fsnas/core';
import { Mask, type Arch } from '@fsnas/nb201';

/** Shape of an NB201 network (docs/reference.md §1.3). */
export interface NetConfig {
  /** Channels of the first stage; stages have C, 2C, 4C. Default 16. */
  C: number;
  /** Cells per stage. Default 5. */
  N: number;
  /** Classifier outputs. Default 10. */
  classes: number;
  /**
   * Affine γ/β in the BNs inside cell ops. The stem, reduction-block and last BNs are always affine
   * (docs/reference.md §1.8). Convolutions never have a bias (search_pkg behaviour; xautodl adds one when non-affine).
   */
  affine: boolean;
}

export const DEFAULT_NET_CONFIG: NetConfig = { C: 16, N: 5, classes: 10, affine: true };

export function resolveNetConfig(partial: Partial<NetConfig> = {}): NetConfig {
  const cfg = { ...DEFAULT_NET_CONFIG, ...partial };
  for (const key of ['C', 'N', 'classes'] as const) {
    const v = cfg[key];
    if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`network ${key} must be a positive integer, got ${String(v)}`);
  }
  return cfg;
}

/** A mask, or a single architecture (= its one-hot mask). */
export type MaskLike = Mask | Arch;

export function toMask(m: MaskLike): Mask {
  return m instanceof Mask ? m : Mask.single(m);
}
