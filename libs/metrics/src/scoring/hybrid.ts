import { InvalidInputError } from '@fsnas/core';
import { averageRanks } from '@fsnas/core';
import type { Arch } from '@fsnas/nb201';
import { METRICS, resolveMetricName, type MetricName } from './registry';
import { scoreArchitectures, type ScoreOptions } from './score';

/**
 * Hybrid metrics: a weighted sum of rank-normalised metrics. Ranks make metrics of wildly different
 * scales (log-synflow ~ 50, snip ~ 1e3, ntk ~ 1e30 when degenerate) commensurable, and are immune
 * to monotone transforms. Each component's rank is oriented so that "predicts higher accuracy" is
 * higher (ntk_condition is reversed), normalised to (0, 1]: rank/n, ties averaged.
 *
 * Spec syntax: `hybrid:snip+synflow` (equal weights) or `hybrid:0.7*synflow+0.3*jacov`.
 */
export interface HybridComponent {
  readonly metric: MetricName;
  readonly weight: number;
}

export interface HybridSpec {
  readonly name: string;
  readonly components: readonly HybridComponent[];
}

export function isHybrid(name: string): boolean {
  return name.trim().toLowerCase().startsWith('hybrid:');
}

export function parseHybrid(spec: string): HybridSpec {
  if (!isHybrid(spec)) throw new InvalidInputError(`a hybrid metric is written hybrid:<w>*<metric>+..., got '${spec}'`);
  const body = spec.trim().slice('hybrid:'.length);
  const components = body.split('+').map((term) => {
    const m = /^\s*(?:([0-9]*\.?[0-9]+(?:e-?\d+)?)\s*\*\s*)?([A-Za-z_-]+)\s*$/.exec(term);
    if (!m) throw new InvalidInputError(`hybrid term '${term}' is not <weight>*<metric> or <metric>`);
    const metric = resolveMetricName(m[2] as string);
    const ev = METRICS[metric].evaluation.kind;
    if (ev === 'pairwise') throw new InvalidInputError(`${metric} has no per-network value and cannot be part of a hybrid`);
    const weight = m[1] === undefined ? 1 : Number(m[1]);
    if (!(weight > 0) || !Number.isFinite(weight)) throw new InvalidInputError(`hybrid weight must be > 0, got '${m[1]}'`);
    return { metric, weight };
  });
  if (components.length < 1) throw new InvalidInputError(`hybrid '${spec}' has no components`);
  const metrics = new Set(components.map((c) => c.metric));
  if (metrics.size !== components.length) throw new InvalidInputError(`hybrid '${spec}' repeats a metric`);
  const total = components.reduce((s, c) => s + c.weight, 0);
  return { name: `hybrid:${components.map((c) => `${+(c.weight / total).toFixed(6)}*${c.metric}`).join('+')}`, components: components.map((c) => ({ ...c, weight: c.weight / total })) };
}

/** Rank normalised to (0,1], oriented so that higher means "predicted better". */
export function orientedRanks(values: readonly number[], higherIsBetter: boolean): Float64Array {
  const n = values.length;
  const ranks = averageRanks(higherIsBetter ? values : values.map((v) => -v));
  return ranks.map((r) => r / n);
}

/** Hybrid scores of a population: `columns[metric][i]` is metric's value for member i. */
export function combineHybrid(spec: HybridSpec, columns: Readonly<Partial<Record<MetricName, readonly number[]>>>): number[] {
  let n = -1;
  const out: number[] = [];
  for (const c of spec.components) {
    const values = columns[c.metric];
    if (!values) throw new InvalidInputError(`hybrid: no values for ${c.metric}`);
    if (n < 0) {
      n = values.length;
      out.push(...new Array<number>(n).fill(0));
    } else if (values.length !== n) throw new InvalidInputError(`hybrid: ${c.metric} has ${values.length} values, expected ${n}`);
    orientedRanks(values, METRICS[c.metric].higherIsBetter).forEach((r, i) => (out[i] = (out[i] as number) + c.weight * r));
  }
  return out;
}

/**
 * Hybrid scores of architectures: the components are scored as usual, then ranked *within this
 * population* — a hybrid value is relative to the architectures scored together.
 */
export function scoreHybrid(archs: readonly Arch[], spec: string | HybridSpec, options: ScoreOptions = {}): { spec: HybridSpec; values: number[] } {
  const h = typeof spec === 'string' ? parseHybrid(spec) : spec;
  const scored = scoreArchitectures(archs, h.components.map((c) => c.metric), options);
  const columns = Object.fromEntries(h.components.map((c) => [c.metric, scored.map((s) => s.values[c.metric]?.value ?? Number.NaN)]));
  return { spec: h, values: combineHybrid(h, columns) };
}
