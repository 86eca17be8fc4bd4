/** The NAS-Bench-201 cell search space: 5 operations on each of 6 edges (docs/reference.md §1.1–1.2). */

/** Operation names in the fixed column order used by masks, tables and the paper's code. */
export const OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type OpName = (typeof OPS)[number];
/** Index into OPS. */
export type OpId = 0 | 1 | 2 | 3 | 4;

export const NUM_OPS = 5;
export const NUM_EDGES = 6;
/** 5^6 single-path architectures. */
export const NUM_ARCHS = 15625;

export interface Edge {
  /** Node the edge feeds (1..3). */
  readonly to: number;
  /** Node the edge reads (0..to-1); the `~k` of arch strings. */
  readonly from: number;
}

/** Edges in arch-string order, which is also the row order of every mask: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export const EDGES: readonly Edge[] = [
  { to: 1, from: 0 },
  { to: 2, from: 0 },
  { to: 2, from: 1 },
  { to: 3, from: 0 },
  { to: 3, from: 1 },
  { to: 3, from: 2 },
];

export function edgeLabel(edge: number): string {
  const e = EDGES[edge];
  if (!e) throw new RangeError(`edge must be 0..5, got ${edge}`);
  return `${e.to}<-${e.from}`;
}

export function isOpId(value: unknown): value is OpId {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) < NUM_OPS;
}

export function opId(name: string): OpId | undefined {
  const i = (OPS as readonly string[]).indexOf(name);
  return i < 0 ? undefined : (i as OpId);
}
