import { describe, expect, it } from 'vitest';
import { median, medianMs } from './timing';

describe('bench timing', () => {
  it('median of odd and even counts, input left unsorted', () => {
    const xs = [3, 1, 2];
    expect(median(xs)).toBe(2);
    expect(xs).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('medianMs calls the warm-up untimed, then times each repeat', () => {
    let calls = 0;
    const ms = medianMs(() => void calls++, 5, 2);
    expect(calls).toBe(7);
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
