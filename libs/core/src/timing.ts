/** Benchmarks report medians over repeats: one definition for every `fsnas bench` table. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median wall milliseconds of `repeats` calls of `fn`, after `warmup` untimed calls (JIT, caches). */
export function medianMs(fn: () => void, repeats: number, warmup = 0): number {
  for (let w = 0; w < warmup; w++) fn();
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}
