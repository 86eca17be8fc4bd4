import { InvalidInputError, Rng } from '@fsnas/core';
import { toTensors, type TensorBatch } from '@fsnas/data';
import { Mask } from '@fsnas/nb201';
import { NB201Network, applyNetworkInit, buildScheme, tf } from '@fsnas/nn';
import type { EdgeEvaluation, EdgeMetric, EdgeRequest } from './edge-metric';
import type { PairwiseEvaluation } from './descriptor';
import { combineHybrid, isHybrid, parseHybrid, type HybridSpec } from './hybrid';
import { METRICS, resolveMetricName, type MetricName } from './registry';
import { resolveSettings, scoreMask, type MetricSettings, type ResolvedSettings } from './score';
import type { MetricValue, NetworkInput } from './types';

/**
 * The few-shot interface (docs/reference.md §2.1): evaluate the candidates of one split node.
 *
 * - Weights: one network is initialised from the seed and copied into every candidate, so all share
 *   the same initial weights (names are shared across masks). It is the parent's network by default,
 *   the full supernet in reference mode (the reference builds full supernets for every candidate).
 * - Data: the same `batches` batches of `batchSize` images for every candidate of the call, drawn
 *   from the settings' seed mixed with the request's seed.
 * - Values: one scalar per candidate; for a pairwise metric its per-candidate value (gradient
 *   matching: the gradient norm, information only).
 * - Matrix: a pairwise metric's similarity (`kind: 'similarity'`; gradient matching: cosine); |m_i − m_j| for the rest
 *   (`kind: 'distance'`), with the complex modulus for reference-mode jacob_cov. The reference's
 *   (m − m_ref)/m_ref normalisation (metrics that use the parent) is applied in reference mode only:
 *   it rescales the distances by 1/|m_ref| and cannot change a partition (docs/reference.md §9.7).
 */
export interface EdgeMetricOptions extends MetricSettings {
  /** Evaluate the parent and normalise (reference mode default: the metric's use_ref). */
  readonly useReference?: boolean;
}

export interface DetailedEdgeEvaluation extends EdgeEvaluation {
  readonly details: readonly MetricValue[];
  /** The parent's value when it was evaluated. */
  readonly reference?: MetricValue;
}

export function createEdgeMetric(name: string, options: EdgeMetricOptions = {}): EdgeMetric & { evaluateEdge(request: EdgeRequest): Promise<DetailedEdgeEvaluation> } {
  const settings = resolveSettings(options);
  if (isHybrid(name)) {
    const spec = parseHybrid(name);
    return { name: spec.name, evaluateEdge: (request) => Promise.resolve(evaluateHybridEdge(spec, settings, request)) };
  }
  const metric = resolveMetricName(name);
  const useReference = options.useReference ?? (settings.fidelity === 'reference' && METRICS[metric].usesReference);
  return {
    name: metric,
    evaluateEdge: (request) => Promise.resolve(evaluateEdge(metric, settings, useReference, request)),
  };
}

/** Seed of one call: the settings' seed and the request's seed mixed, so both matter. */
function callSeed(settings: ResolvedSettings, request: EdgeRequest): number {
  return new Rng((settings.seed >>> 0) ^ Math.imul(request.seed >>> 0, 0x9e3779b1)).nextUint32();
}

export function evaluateEdge(metric: MetricName, settings: ResolvedSettings, useReference: boolean, request: EdgeRequest): DetailedEdgeEvaluation {
  const n = request.candidates.length;
  if (n < 2) throw new InvalidInputError(`an edge evaluation needs at least 2 candidates, got ${n}`);
  const seed = callSeed(settings, request);
  const ev = METRICS[metric].evaluation;
  const s: ResolvedSettings = { ...settings, seed };

  if (ev.kind === 'random') {
    const details = ev.draw(seed, n).map((value) => ({ value }));
    return { values: details.map((d) => d.value), matrix: distanceMatrix(details), kind: 'distance', details };
  }
  if (ev.kind === 'mask') {
    const details = request.candidates.map((m) => ev.compute(m, s.network, s.fidelity));
    return finishScalar(details, useReference ? ev.compute(request.parent, s.network, s.fidelity) : undefined);
  }

  const batches: TensorBatch[] = s.source(seed, s.batches, s.batchSize).map(toTensors);
  const fresh = request.weights ? undefined : freshSource(s, seed, request.parent);
  const source = request.weights ?? (fresh as NB201Network);
  try {
    if (ev.kind === 'pairwise') return comparePairwise(ev, request, s, batches, source);
    const masks = useReference ? [...request.candidates, request.parent] : [...request.candidates];
    const details = masks.map((mask) => scoreMask(mask, [metric], s, batches, 0, source)[metric] as MetricValue);
    const reference = useReference ? details.pop() : undefined;
    return finishScalar(details, reference);
  } finally {
    fresh?.dispose();
    for (const b of batches) tf.dispose([b.x, b.y]);
  }
}

/** The shared initial weights of one call: the parent (reference mode: the full supernet), seeded. */
function freshSource(s: ResolvedSettings, seed: number, parent: Mask): NB201Network {
  const source = new NB201Network(s.fidelity === 'reference' ? Mask.full() : parent, { ...s.network, seed, init: buildScheme(s.init) });
  applyNetworkInit(source, s.init, seed);
  return source;
}

function finishScalar(details: MetricValue[], reference: MetricValue | undefined): DetailedEdgeEvaluation {
  let shown = details;
  if (reference) {
    const r = reference.value;
    // (m − m_ref)/m_ref as the reference does; a zero reference would divide by zero, so it is skipped (flagged).
    if (r !== 0 && Number.isFinite(r)) {
      shown = details.map((d) => ({ ...d, value: (d.value - r) / r, ...(d.imaginary !== undefined ? { imaginary: d.imaginary / r } : {}) }));
    }
  }
  return { values: shown.map((d) => d.value), matrix: distanceMatrix(shown), kind: 'distance', details: shown, ...(reference ? { reference } : {}) };
}

function distanceMatrix(values: readonly MetricValue[]): number[][] {
  return values.map((a, i) =>
    values.map((b, j) => {
      if (i === j) return 0;
      const re = a.value - b.value;
      const im = (a.imaginary ?? 0) - (b.imaginary ?? 0);
      return Math.sqrt(re * re + im * im);
    }),
  );
}

/** A pairwise metric: each candidate summarised on its own network from the shared weights, then every pair compared. */
function comparePairwise(ev: PairwiseEvaluation, request: EdgeRequest, s: ResolvedSettings, batches: readonly TensorBatch[], source: NB201Network): DetailedEdgeEvaluation {
  const summaries = request.candidates.map((mask) => {
    const net = new NB201Network(mask, { ...s.network, seed: s.seed, init: buildScheme(s.init) });
    try {
      net.copyFrom(source);
      const input: NetworkInput = { net, batches, fidelity: s.fidelity, seed: s.seed, memo: new Map() };
      return ev.summarise(input);
    } finally {
      net.dispose();
    }
  });
  const matrix = summaries.map((a, i) => summaries.map((b, j) => (i === j ? 0 : j < i ? Number.NaN : ev.similarity(a, b, s.fidelity))));
  for (let i = 0; i < matrix.length; i++) for (let j = 0; j < i; j++) (matrix[i] as number[])[j] = (matrix[j] as number[])[i] as number;
  const details = summaries.map((summary) => ({ value: ev.value(summary) }));
  return { values: details.map((d) => d.value), matrix, kind: 'similarity', details };
}

/**
 * A hybrid at a split node: each component is evaluated on the candidates (same weights and batches),
 * ranked among them, and the weighted rank sum is the candidate's value; distances |Δ| as usual.
 */
function evaluateHybridEdge(spec: HybridSpec, settings: ResolvedSettings, request: EdgeRequest): DetailedEdgeEvaluation {
  const columns = Object.fromEntries(spec.components.map((c) => [c.metric, evaluateEdge(c.metric, settings, false, request).values]));
  const details = combineHybrid(spec, columns).map((value) => ({ value }));
  return { values: details.map((d) => d.value), matrix: distanceMatrix(details), kind: 'distance', details };
}
