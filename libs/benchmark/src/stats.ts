/** Summary of a sample of accuracies; quantiles use linear interpolation (numpy's default). */
export interface SampleStats {
  readonly size: number;
  readonly mean: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly std: number;
  /** q -> value for each requested quantile. */
  readonly quantiles: Readonly<Record<string, number>>;
}

export const DEFAULT_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;

/** Statistics of `values` at `indices` (all values when omitted); one sort of the selected sample. */
export function sampleStats(values: Float64Array, indices?: Int32Array, quantiles: readonly number[] = DEFAULT_QUANTILES): SampleStats {
  const n = indices ? indices.length : values.length;
  if (n === 0) throw new RangeError('statistics of an empty sample');
  const sample = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = indices ? (values[indices[i] as number] as number) : (values[i] as number);
    sample[i] = v;
    sum += v;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += ((sample[i] as number) - mean) ** 2;
  sample.sort();
  return {
    size: n,
    mean,
    median: quantileOfSorted(sample, 0.5),
    min: sample[0] as number,
    max: sample[n - 1] as number,
    std: Math.sqrt(squares / n),
    quantiles: Object.fromEntries(quantiles.map((q) => [String(q), quantileOfSorted(sample, q)])),
  };
}

export function quantileOfSorted(sorted: Float64Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (pos - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

