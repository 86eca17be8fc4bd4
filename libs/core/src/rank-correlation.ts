import { InvalidInputError } from './errors';

type Numbers = ArrayLike<number>;

function check(x: Numbers, y: Numbers, what: string): number {
  if (x.length !== y.length) throw new InvalidInputError(`${what}: samples differ in length (${x.length} vs ${y.length})`);
  if (x.length < 2) throw new InvalidInputError(`${what}: needs at least 2 paired values, got ${x.length}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) throw new InvalidInputError(`${what}: value ${i} is not finite (${x[i]}, ${y[i]})`);
  }
  return x.length;
}

/** Ascending ranks 1..n, tied values sharing the mean of their ranks (scipy's rankdata 'average'). */
export function averageRanks(values: Numbers): Float64Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Float64Array(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end] as number] === values[order[start] as number]) end++;
    const shared = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k] as number] = shared;
    start = end;
  }
  return ranks;
}

function pearson(x: Float64Array, y: Float64Array, what: string): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  // A constant sample has no ranking to correlate; say so instead of returning NaN.
  if (sxx === 0 || syy === 0) throw new InvalidInputError(`${what}: a sample is constant, the correlation is undefined`);
  return sxy / Math.sqrt(sxx * syy);
}

/** Spearman's ρ: Pearson correlation of the average ranks, so ties are handled as scipy.stats.spearmanr does. */
export function spearman(x: Numbers, y: Numbers): number {
  check(x, y, 'spearman');
  return pearson(averageRanks(x), averageRanks(y), 'spearman');
}

/** Number of tied pairs, Σ t(t−1)/2 over runs of equal values in `order` (already sorted by `key`). */
function tiedPairs(order: Int32Array, same: (a: number, b: number) => boolean): number {
  let pairs = 0;
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && same(order[start] as number, order[end] as number)) end++;
    const t = end - start;
    pairs += (t * (t - 1)) / 2;
    start = end;
  }
  return pairs;
}

/**
 * Kendall's τ-b (ties in either sample handled), by Knight's O(n log n) algorithm: sort by (x, y),
 * then count the pairs a merge sort by y has to swap — exactly the discordant pairs — and correct for
 * ties in x, in y and in both. Agrees with scipy.stats.kendalltau (variant 'b').
 */
export function kendallTau(x: Numbers, y: Numbers): number {
  const n = check(x, y, 'kendallTau');
  const xv = (i: number): number => x[i] as number;
  const yv = (i: number): number => y[i] as number;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => xv(a) - xv(b) || yv(a) - yv(b));
  const tiesX = tiedPairs(order, (a, b) => xv(a) === xv(b));
  const tiesXY = tiedPairs(order, (a, b) => xv(a) === xv(b) && yv(a) === yv(b));
  const discordant = mergeSortCountingSwaps(order, yv);
  const tiesY = tiedPairs(order, (a, b) => yv(a) === yv(b));
  const total = (n * (n - 1)) / 2;
  const denominator = Math.sqrt((total - tiesX) * (total - tiesY));
  if (denominator === 0) throw new InvalidInputError('kendallTau: a sample is constant, the correlation is undefined');
  return (total - tiesX - tiesY + tiesXY - 2 * discordant) / denominator;
}

/** Stable bottom-up merge sort of `order` by key, in place; returns the number of strict inversions. */
function mergeSortCountingSwaps(order: Int32Array, key: (i: number) => number): number {
  const n = order.length;
  let src = order;
  let dst = new Int32Array(n);
  let swaps = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // Equal keys take the left element first: a tie in y is not a discordant pair.
        if (key(src[j] as number) < key(src[i] as number)) {
          swaps += mid - i;
          dst[k++] = src[j++] as number;
        } else dst[k++] = src[i++] as number;
      }
      while (i < mid) dst[k++] = src[i++] as number;
      while (j < hi) dst[k++] = src[j++] as number;
    }
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src);
  return swaps;
}
