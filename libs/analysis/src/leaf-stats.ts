import { DEFAULT_QUANTILES, sampleStats, type Benchmark, type SampleStats, type Setting } from '@fsnas/benchmark';
import { InvalidInputError } from '@fsnas/core';
import { NUM_ARCHS, type Mask } from '@fsnas/nb201';

/** Statistics of one leaf (sub-supernet) of a split for one dataset setting. */
export interface LeafStats extends SampleStats {
  /** Position of the leaf in its family (the paper's leaf order for paper splits). */
  readonly index: number;
  /** NATS index of the most accurate architecture of the leaf (lowest index on ties). */
  readonly bestIndex: number;
  /** How many of the global top-1% / top-5% architectures (see topFractionThreshold) the leaf holds. */
  readonly top1pct: number;
  readonly top5pct: number;
  readonly holdsBest: boolean;
}

export interface FamilyStats {
  readonly leaves: readonly LeafStats[];
  /** Leaf with the highest mean accuracy (lowest index on ties). */
  readonly bestLeafByMean: number;
  /** Leaf holding the global best architecture, or -1 when no leaf holds it (leaves need not cover the space). */
  readonly leafHoldingBest: number;
  /** Global top-1% / top-5% thresholds and counts, so a reader can check the leaf counts sum up. */
  readonly top1pctThreshold: number;
  readonly top5pctThreshold: number;
  readonly globalBestIndex: number;
  readonly globalBest: number;
}

/**
 * Accuracy at or above which an architecture is in the global top `fraction`: the accuracy of the
 * ⌈fraction·n⌉-th best architecture. Architectures tied with it are included, so a tie at the boundary
 * never splits equal architectures into "in" and "out".
 */
export function topFractionThreshold(accuracy: Float64Array, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new InvalidInputError(`top fraction must be in (0, 1], got ${fraction}`);
  const sorted = Float64Array.from(accuracy).sort();
  const k = Math.ceil(fraction * sorted.length);
  return sorted[sorted.length - k] as number;
}

/** Stats of the accuracies at `indices` (NATS indices): the sample statistics plus where the best architectures are. */
export function leafStats(
  accuracy: Float64Array,
  indices: Int32Array,
  index: number,
  context: { top1: number; top5: number; globalBestIndex: number },
  quantiles: readonly number[] = DEFAULT_QUANTILES,
): LeafStats {
  const n = indices.length;
  if (n === 0) throw new InvalidInputError(`leaf ${index} holds no architecture`);
  let bestIndex = indices[0] as number;
  let top1pct = 0;
  let top5pct = 0;
  let holdsBest = false;
  for (let i = 0; i < n; i++) {
    const arch = indices[i] as number;
    const v = accuracy[arch] as number;
    if (v > (accuracy[bestIndex] as number) || (v === accuracy[bestIndex] && arch < bestIndex)) bestIndex = arch;
    if (v >= context.top1) top1pct++;
    if (v >= context.top5) top5pct++;
    if (arch === context.globalBestIndex) holdsBest = true;
  }
  return { index, ...sampleStats(accuracy, indices, quantiles), bestIndex, top1pct, top5pct, holdsBest };
}

/** Index of the largest accuracy (lowest NATS index on ties, like Benchmark.bestIndex). */
export function argmaxIndex(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Per-leaf statistics of one split family (its leaf masks) for a dataset setting. */
export function familyStats(bench: Benchmark, leaves: readonly Mask[], setting: Setting, quantiles?: readonly number[]): FamilyStats {
  return familyStatsOf(bench.accuracy(setting), leaves.map((m) => bench.indicesOf(m)), quantiles);
}

/** As familyStats, from an accuracy column and the NATS indices of each leaf (testable without masks). */
export function familyStatsOf(accuracy: Float64Array, leafIndices: readonly Int32Array[], quantiles?: readonly number[]): FamilyStats {
  if (leafIndices.length === 0) throw new InvalidInputError('a split family needs at least one leaf');
  if (accuracy.length !== NUM_ARCHS) throw new InvalidInputError(`accuracy column must have ${NUM_ARCHS} entries, got ${accuracy.length}`);
  const globalBestIndex = argmaxIndex(accuracy);
  const context = { top1: topFractionThreshold(accuracy, 0.01), top5: topFractionThreshold(accuracy, 0.05), globalBestIndex };
  const leaves = leafIndices.map((indices, i) => leafStats(accuracy, indices, i, context, quantiles));
  let bestLeafByMean = 0;
  leaves.forEach((l, i) => {
    if (l.mean > (leaves[bestLeafByMean] as LeafStats).mean) bestLeafByMean = i;
  });
  return {
    leaves,
    bestLeafByMean,
    leafHoldingBest: leaves.findIndex((l) => l.holdsBest),
    top1pctThreshold: context.top1,
    top5pctThreshold: context.top5,
    globalBestIndex,
    globalBest: accuracy[globalBestIndex] as number,
  };
}

/**
 * Which leaf each architecture belongs to, indexed by NATS index; -1 where no leaf holds it. Leaves
 * must be disjoint: an architecture in two leaves would make "the leaf of an architecture" ambiguous.
 */
export function leafAssignment(leafIndices: readonly Int32Array[], size = NUM_ARCHS): Int32Array {
  const out = new Int32Array(size).fill(-1);
  leafIndices.forEach((indices, leaf) => {
    for (const i of indices) {
      if (out[i] !== -1) throw new InvalidInputError(`leaves ${out[i]} and ${leaf} overlap (architecture ${i} is in both); a split's leaves must be disjoint`);
      out[i] = leaf;
    }
  });
  return out;
}
