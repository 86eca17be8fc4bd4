import type { Fidelity } from '@fsnas/core';
import type { Mask } from '@fsnas/nb201';
import type { NetConfig } from '@fsnas/nn';
import type { MetricValue, NetworkInput } from './types';

/**
 * What a metric file exports: one descriptor per metric, beside its computation. registry.ts lists
 * the descriptors; scoring, the few-shot EdgeMetric, hybrids, the CLI and the bench's FLOP model all
 * read them, so adding a metric is its file and one line of that list.
 */
export interface MetricDescriptor<N extends string = string> {
  /** CLI name (snake_case). */
  readonly name: N;
  /** Other spellings (NASLib's, the reference's), resolved case-insensitively. */
  readonly aliases: readonly string[];
  readonly description: string;
  /** Direction in which the metric predicts higher accuracy (used by hybrids and reports). */
  readonly higherIsBetter: boolean;
  /** Whether the reference normalises by the parent's value (docs/reference.md §2.3 use_ref). */
  readonly usesReference: boolean;
  /** Analytic GFLOP of one evaluation on one network (the bench's share of peak). */
  readonly cost: CostModel;
  readonly evaluation: MetricEvaluation;
}

export type MetricEvaluation =
  /** Needs only the mask: no network, no data. */
  | { readonly kind: 'mask'; readonly compute: (mask: Mask, config: Partial<NetConfig>, fidelity: Fidelity) => MetricValue }
  /** Built network on real batches. */
  | { readonly kind: 'network'; readonly compute: (input: NetworkInput) => MetricValue }
  /** Seeded noise (a baseline) that never looks at the architecture: `count` values from `seed`. */
  | { readonly kind: 'random'; readonly draw: (seed: number, count: number) => number[] }
  /** Pairwise only (a similarity between candidates); per-network it has no scalar. */
  | PairwiseEvaluation;

/**
 * A metric that compares the candidates of a split node with each other. Each candidate is summarised
 * on its own network (all start from the same weights and see the same batches); the matrix holds the
 * similarity of every pair (high = alike).
 */
export interface PairwiseEvaluation<S = unknown> {
  readonly kind: 'pairwise';
  summarise(input: NetworkInput): S;
  similarity(a: S, b: S, fidelity: Fidelity): number;
  /** The per-candidate value reported beside the matrix, for information. */
  value(summary: S): number;
}

/** What a cost model sees: the evaluated network, its batch and mode. */
export interface CostContext {
  readonly mask: Mask;
  readonly batch: number;
  readonly fidelity: Fidelity;
  readonly config: NetConfig;
  readonly imageSize: number;
  /**
   * GFLOP of a forward pass of `images` images, 2·MACs of the convs and the classifier (nn's
   * `forwardMacs`); by default of the evaluated network, or of another shape, image size or mask.
   */
  forward(images: number, other?: { readonly config?: Partial<NetConfig>; readonly imageSize?: number; readonly mask?: Mask }): number;
}

/**
 * Costs are counted in forward passes F. The usual rules of thumb: a backward to the weights and the
 * inputs costs 2F, a backward to the inputs only costs F, and a reverse-over-reverse Hessian-vector
 * product costs about three times the gradient it differentiates. These are estimates of arithmetic
 * done, not of time: BN, ReLU, pooling and the host-side linear algebra are not counted.
 */
export type CostModel = (c: CostContext) => number;

/** The cost of metrics computed analytically or without touching the network's convolutions. */
export const NO_FLOPS: CostModel = () => 0;

/** Keeps the literal name, so the registry can derive the `MetricName` union from its list. */
export function defineMetric<const N extends string>(descriptor: MetricDescriptor<N>): MetricDescriptor<N> {
  return descriptor;
}

/** A pairwise evaluation, typed by its summary. */
export function pairwise<S>(evaluation: Omit<PairwiseEvaluation<S>, 'kind'>): PairwiseEvaluation {
  return { kind: 'pairwise', ...evaluation };
}
