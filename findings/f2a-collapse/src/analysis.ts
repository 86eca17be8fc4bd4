import { InvalidInputError } from '@fsnas/core';
import { lineFigure, tableFigure, type FigureSpec } from '@fsnas/analysis';

/**
 * A cell counts as collapsed when at least 4 of its 6 edges are parameter-free (none, skip, pool):
 * what the probe that motivated this finding saw from 440 steps on (skip on edges 0, 1, 2, 5), and
 * below the all-skip end point NAS-Bench-201 reports for DARTS-V1.
 */
export const COLLAPSE_THRESHOLD = 4;

/** One epoch of a search's trajectory. */
export interface TrajectoryPoint {
  /** 1-based. */
  readonly epoch: number;
  /** Benchmark accuracy of the cell derived after this epoch (%). */
  readonly accuracy: number;
  readonly paramFreeOps: number;
  /** Mean over edges of α's entropy (nats). */
  readonly alphaEntropy: number;
  readonly seconds: number;
}

/** An epoch of a search as its result records it (libs/search EpochRecord, and result.json). */
export interface EpochOfSearch {
  readonly epoch: number;
  readonly accuracy: number | null;
  readonly paramFreeOps: number;
  /** Per edge, nats. */
  readonly alphaEntropy: readonly number[];
  readonly seconds: number;
}

/** A search's epochs as a trajectory: a missing accuracy (no benchmark look-up) is NaN, α's entropy the mean over edges. */
export function trajectoryOf(epochs: readonly EpochOfSearch[]): TrajectoryPoint[] {
  return epochs.map((e) => ({ epoch: e.epoch, accuracy: e.accuracy ?? Number.NaN, paramFreeOps: e.paramFreeOps, alphaEntropy: mean(e.alphaEntropy), seconds: e.seconds }));
}

export interface CollapseSummary {
  /** First epoch from which every derived cell to the end has ≥ COLLAPSE_THRESHOLD parameter-free ops; null if none. */
  readonly onsetEpoch: number | null;
  readonly onsetStep: number | null;
  /** Search seconds up to the end of the onset epoch. */
  readonly onsetSeconds: number | null;
  readonly peakAccuracy: number;
  readonly peakEpoch: number;
  readonly finalAccuracy: number;
  readonly finalParamFreeOps: number;
}

/** Where a search collapsed, if it did: a collapse that later recovers does not count, it must last to the end. */
export function collapseSummary(points: readonly TrajectoryPoint[], stepsPerEpoch: number): CollapseSummary {
  if (points.length === 0) throw new InvalidInputError('F2a-collapse: a search with no epochs has no trajectory');
  const sorted = [...points].sort((a, b) => a.epoch - b.epoch);
  let onset: number | null = null;
  for (let i = sorted.length - 1; i >= 0 && (sorted[i] as TrajectoryPoint).paramFreeOps >= COLLAPSE_THRESHOLD; i--) onset = i;
  let peak = 0;
  sorted.forEach((p, i) => {
    if (p.accuracy > (sorted[peak] as TrajectoryPoint).accuracy) peak = i;
  });
  const last = sorted[sorted.length - 1] as TrajectoryPoint;
  const at = onset === null ? null : (sorted[onset] as TrajectoryPoint);
  return {
    onsetEpoch: at?.epoch ?? null,
    onsetStep: at ? at.epoch * stepsPerEpoch : null,
    onsetSeconds: onset === null ? null : sorted.slice(0, onset + 1).reduce((s, p) => s + p.seconds, 0),
    peakAccuracy: (sorted[peak] as TrajectoryPoint).accuracy,
    peakEpoch: (sorted[peak] as TrajectoryPoint).epoch,
    finalAccuracy: last.accuracy,
    finalParamFreeOps: last.paramFreeOps,
  };
}

/** One finished search of the sweep, as the notebook reads it back. */
export interface CollapseSearch {
  /** `C<C>N<N> <space>`, e.g. `C8N1 full`. */
  readonly line: string;
  readonly seed: number;
  readonly stepsPerEpoch: number;
  readonly points: readonly TrajectoryPoint[];
}

/** The sweep line of a search: its network and space, e.g. `C8N1 full`, `C8N1 gradient_matching leaf1`. */
export const lineLabel = (net: { readonly C: number; readonly N: number }, family: string, leaf: number | null): string => `C${net.C}N${net.N} ${family}${leaf === null ? '' : ` leaf${leaf}`}`;

/** One search from its run's result.json artifact (run.ts writes it). */
export function collapseSearchOfResult(text: string, where: string): CollapseSearch {
  const r = JSON.parse(text) as { net?: { C: number; N: number }; family?: string; leaf?: number | null; seed?: number; stepsPerEpoch?: number; epochs?: EpochOfSearch[] };
  if (!r.net || typeof r.family !== 'string' || r.leaf === undefined || typeof r.seed !== 'number' || typeof r.stepsPerEpoch !== 'number' || !Array.isArray(r.epochs)) {
    throw new InvalidInputError(`F2a-collapse: ${where} is not a search result (net, family, leaf, seed, stepsPerEpoch, epochs)`);
  }
  return { line: lineLabel(r.net, r.family, r.leaf), seed: r.seed, stepsPerEpoch: r.stepsPerEpoch, points: trajectoryOf(r.epochs) };
}

/** The sweep as a table: for each line and search length (every `every` epochs), the mean ± std over seeds. */
export interface SweepRow {
  readonly line: string;
  readonly epoch: number;
  readonly step: number;
  readonly seeds: number;
  readonly accuracy: number;
  readonly accuracyStd: number;
  readonly paramFreeOps: number;
  readonly alphaEntropy: number;
}

export function sweepTable(searches: readonly CollapseSearch[], every: number): SweepRow[] {
  const rows: SweepRow[] = [];
  for (const [line, group] of groupBy(searches, (s) => s.line)) {
    const epochs = Math.min(...group.map((s) => s.points.length));
    for (let epoch = every; epoch <= epochs; epoch += every) {
      const at = group.map((s) => s.points.find((p) => p.epoch === epoch)).filter((p): p is TrajectoryPoint => p !== undefined);
      if (at.length < group.length) throw new InvalidInputError(`F2a-collapse: ${line} has a search with no epoch ${epoch}`);
      const acc = at.map((p) => p.accuracy);
      rows.push({
        line,
        epoch,
        step: epoch * (group[0] as CollapseSearch).stepsPerEpoch,
        seeds: at.length,
        accuracy: mean(acc),
        accuracyStd: std(acc),
        paramFreeOps: mean(at.map((p) => p.paramFreeOps)),
        alphaEntropy: mean(at.map((p) => p.alphaEntropy)),
      });
    }
  }
  return rows;
}

/** Per line: each seed's onset and end point. */
export function onsetTableFigure(searches: readonly CollapseSearch[]): FigureSpec {
  const rows = searches.map((s) => {
    const c = collapseSummary(s.points, s.stepsPerEpoch);
    return [s.line, s.seed, c.onsetStep === null ? 'none' : `${c.onsetStep} (epoch ${c.onsetEpoch}, ${Math.round(c.onsetSeconds ?? 0)} s)`, `${c.peakAccuracy.toFixed(2)} @ ${c.peakEpoch}`, c.finalAccuracy.toFixed(2), c.finalParamFreeOps];
  });
  return tableFigure({
    title: `F2a-collapse: where first-order DARTS's derived cell keeps ≥ ${COLLAPSE_THRESHOLD} of 6 parameter-free ops`,
    header: ['line', 'seed', 'collapse onset: step (epoch, search s)', 'peak accuracy @ epoch', 'final accuracy', 'final parameter-free ops'],
    rows,
  });
}

/** Trajectories of one quantity, mean ± std over seeds per line, against search steps. */
export function trajectoryFigure(rows: readonly SweepRow[], quantity: 'accuracy' | 'paramFreeOps' | 'alphaEntropy'): FigureSpec {
  const label = { accuracy: 'derived cell: NB201 CIFAR-10 test accuracy (%)', paramFreeOps: 'derived cell: parameter-free ops (of 6)', alphaEntropy: 'α entropy, mean over edges (nats)' }[quantity];
  return lineFigure({
    title: `F2a-collapse: ${label} vs search steps (first-order DARTS)`,
    series: [...groupBy(rows, (r) => r.line)].map(([line, rs]) => ({
      name: line,
      x: rs.map((r) => r.step),
      y: rs.map((r) => r[quantity]),
      ...(quantity === 'accuracy' ? { errors: rs.map((r) => r.accuracyStd) } : {}),
    })),
    xTitle: 'search steps',
    yTitle: label,
  });
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: readonly number[]): number => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
