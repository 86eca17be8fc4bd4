import { FsnasError, type Fidelity } from '@fsnas/core';
import type { TensorBatch } from '@fsnas/data';
import type { NB201Network } from '@fsnas/nn';

/** What every per-network metric computation receives. */
export interface NetworkInput {
  readonly net: NB201Network;
  /** The batches every network of one call sees (NHWC float32, int32 labels). */
  readonly batches: readonly TensorBatch[];
  /**
   * `published`: the definitions as NAS-Bench-Suite-Zero (NASLib) computes them (default).
   * `reference`: the paper's code, bugs included (docs/reference.md §2, §9.1, §9.2, §9.4, §9.5), to reproduce its splits.
   */
  readonly fidelity: Fidelity;
  /** Seed for metric-internal randomness (zen's Gaussian inputs, random, linear-region crops). */
  readonly seed: number;
  /**
   * Reference mode: the network holding the shared initial weights of every op (the full supernet the
   * reference builds for every candidate). Needed where a metric evaluates ops outside the mask
   * (synflow's complement). Defaults to `net`.
   */
  readonly weightSource?: NB201Network;
  /** Most images per double-backprop pass (grasp); larger batches are split. Default: no split. */
  readonly secondOrderBatch?: number;
  /** Memo shared by the metrics of one network, so e.g. grad_norm, snip and plain share one backward pass. */
  readonly memo: Map<string, unknown>;
}

/**
 * A value that would be NaN or ±Inf (e.g. an architecture whose `none` edges disconnect the input
 * from the output: zero Jacobian, singular kernels). Metrics never return such a value silently:
 * strict callers get this error, the others a documented finite sentinel with `degenerate` set.
 */
export class DegenerateNetworkError extends FsnasError {
  constructor(
    readonly metric: string,
    readonly reason: string,
  ) {
    super('DEGENERATE_NETWORK', `${metric}: degenerate network (${reason})`);
  }
}

/** One network's result: always finite. */
export interface MetricValue {
  readonly value: number;
  /** Why the value is a sentinel rather than the formula's result. */
  readonly degenerate?: string;
  /** Reference-mode jacob_cov only: the imaginary part of its complex value (see jacobian.ts). */
  readonly imaginary?: number;
}

/**
 * Sentinel of a degenerate network for metrics where higher is better: NASLib's own choice
 * (`ZeroCost.query` maps NaN/Inf to -1e8), so such architectures rank last.
 */
export const DEGENERATE_LOW = -1e8;
