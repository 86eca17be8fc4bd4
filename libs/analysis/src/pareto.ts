import type { Benchmark, HwDataset, HwMetric, Setting } from '@fsnas/benchmark';
import type { Mask } from '@fsnas/nb201';

/**
 * The accuracy–cost Pareto front of a set of architectures (NATS indices): those no other one beats
 * on both counts (accuracy at least as high and cost at most as low, one of them strictly). Sorted by
 * cost, then accuracy; of identical points the lowest index stands for them. Architectures whose cost
 * was not measured (NaN, as Edge TPU's) are left out.
 */
export function paretoFront(indices: ArrayLike<number>, accuracy: ArrayLike<number>, cost: ArrayLike<number>): number[] {
  const points = Array.from(indices).filter((i) => Number.isFinite(cost[i] as number) && Number.isFinite(accuracy[i] as number));
  points.sort((a, b) => (cost[a] as number) - (cost[b] as number) || (accuracy[b] as number) - (accuracy[a] as number) || a - b);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of points) {
    // Cheapest first: a point is on the front when it is more accurate than everything at most as cheap.
    if ((accuracy[i] as number) > best) {
      front.push(i);
      best = accuracy[i] as number;
    }
  }
  return front;
}

export interface LeafFront {
  readonly leaf: number;
  /** The leaf's own front (NATS indices). */
  readonly front: readonly number[];
  /** Points of the global front inside the leaf. */
  readonly globalPoints: number;
}

/** The space's front on one device and, per leaf of a split, the leaf's front and its share of the global one. */
export function splitFronts(bench: Benchmark, leaves: readonly Mask[], setting: Setting, device: { readonly dataset: HwDataset; readonly metric: HwMetric }): { globalFront: number[]; leaves: LeafFront[] } {
  const accuracy = bench.accuracy(setting);
  const cost = bench.hw(device.dataset, device.metric);
  const globalFront = paretoFront(Array.from({ length: bench.size }, (_, i) => i), accuracy, cost);
  const onFront = new Set(globalFront);
  return {
    globalFront,
    leaves: leaves.map((mask, leaf) => {
      const members = bench.indicesOf(mask);
      return { leaf, front: paretoFront(members, accuracy, cost), globalPoints: Array.from(members).filter((i) => onFront.has(i)).length };
    }),
  };
}
