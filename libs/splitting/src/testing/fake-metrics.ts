import type { EdgeEvaluation, EdgeMetric, EdgeRequest } from '@fsnas/metrics';
import { Mask, NUM_EDGES, NUM_OPS, opParamCount } from '@fsnas/nb201';

/**
 * Test-only metrics. They are deterministic functions of the candidate masks, so splits built on
 * them can be checked exactly. The parameter count is written out here, apart from nn's counter, so
 * that the exact match with the paper's masks does not rest on the code it would check.
 */

const distanceOf = (values: readonly number[]): number[][] => values.map((a) => values.map((b) => Math.abs(a - b)));

/** A scalar metric: value per candidate mask, matrix |Δ| (a distance, like every zero-cost proxy). */
export function scalarMetric(name: string, value: (candidate: Mask, request: EdgeRequest) => number): EdgeMetric & { calls: EdgeRequest[] } {
  const calls: EdgeRequest[] = [];
  return {
    name,
    calls,
    async evaluateEdge(request: EdgeRequest): Promise<EdgeEvaluation> {
      calls.push(request);
      const values = request.candidates.map((c) => value(c, request));
      return { values, matrix: distanceOf(values), kind: 'distance' };
    },
  };
}

/** Parameters of one NB201 op at C channels (ReLU-Conv(no bias)-BN(affine)); none/skip/pool have none. */
export function opParams(op: number, C: number): number {
  return opParamCount(op, C);
}

/**
 * The reference's `nparams` value (docs/reference.md §2.2): parameters of a DummyNBNetwork that
 * instantiates only allowed ops, C=16, N=5, affine BN, with the row-0 bug (docs/reference.md §9.5): every edge of every
 * cell uses row 0 of the mask. Stem conv3x3(3→16)+BN; two ResNet blocks (a, b: ReLUConvBN 3x3;
 * shortcut AvgPool + conv1x1, no BN); last BN; Linear(64→classes) with bias.
 */
export function dummyNetworkParams(mask: Mask, options: { classes?: number; rowZeroBug?: boolean } = {}): number {
  const classes = options.classes ?? 10;
  const rowBug = options.rowZeroBug ?? true;
  const C = 16;
  const N = 5;
  const block = (i: number, o: number): number => 9 * i * o + 2 * o + 9 * o * o + 2 * o + i * o;
  let total = 3 * C * 9 + 2 * C + block(16, 32) + block(32, 64) + 2 * 64 + 64 * classes + classes;
  for (const channels of [16, 32, 64]) {
    for (let e = 0; e < NUM_EDGES; e++) {
      const row = rowBug ? 0 : e;
      for (const op of mask.allowedOps(row)) total += N * opParams(op, channels);
    }
  }
  return total;
}

/** num_params as in the paper's code (row-0 bug). */
export const numParamsReference = (): ReturnType<typeof scalarMetric> => scalarMetric('num_params', (c) => dummyNetworkParams(c));

/** linear_regions with the reference defaults: 16 samples saturate the count, every candidate scores 16. */
export const linearRegionsReference = (): ReturnType<typeof scalarMetric> => scalarMetric('linear_regions', () => 16);

/** A fixed pseudo-random weight per (edge, op): any mask maps to a reproducible, generic number. */
const WEIGHTS = Array.from({ length: NUM_EDGES }, (_, e) => Array.from({ length: NUM_OPS }, (_, o) => Math.sin(1 + 7 * e + 3 * o * o) * 10));

/** A generic deterministic scalar metric: Σ of allowed-op weights, squared so it is non-linear in the mask. */
export const hashScalarMetric = (name = 'hash_scalar'): ReturnType<typeof scalarMetric> =>
  scalarMetric(name, (c) => {
    let s = 0;
    for (let e = 0; e < NUM_EDGES; e++) for (const o of c.allowedOps(e)) s += (WEIGHTS[e] as number[])[o] as number;
    return s * s + s;
  });

/** A deterministic similarity metric (like gradient matching): cosine of per-candidate feature vectors. */
export function hashSimilarityMetric(name = 'hash_similarity'): EdgeMetric & { calls: EdgeRequest[] } {
  const calls: EdgeRequest[] = [];
  return {
    name,
    calls,
    async evaluateEdge(request: EdgeRequest): Promise<EdgeEvaluation> {
      calls.push(request);
      const vecs = request.candidates.map((c) =>
        Array.from({ length: 8 }, (_, d) => {
          let s = 0;
          for (let e = 0; e < NUM_EDGES; e++) for (const o of c.allowedOps(e)) s += Math.cos(d * 1.3 + e * 2.1 + o * o * 0.7 + o);
          return s;
        }),
      );
      const norm = (v: number[]): number => Math.hypot(...v);
      const matrix = vecs.map((a, i) => vecs.map((b, j) => (i === j ? 0 : a.reduce((s, x, k) => s + x * (b[k] as number), 0) / (norm(a) * norm(b)))));
      // Symmetrise exactly: float products in a different order may differ in the last bit.
      for (let i = 0; i < matrix.length; i++) for (let j = 0; j < i; j++) (matrix[i] as number[])[j] = (matrix[j] as number[])[i] as number;
      return { values: vecs.map(norm), matrix, kind: 'similarity' };
    },
  };
}

export const fullMask = (): Mask => Mask.full();
