import { Benchmark } from '@fsnas/benchmark';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromCSV } from 'arquero';
import { loadZeroCostScores, tableCsv } from './index';

let bench: Benchmark;
beforeAll(() => {
  bench = Benchmark.load({ hw: false });
});

describe('zero-cost scores', () => {
  it('loads zero-cost scores cross-checked against the benchmark arch strings', () => {
    const scores = loadZeroCostScores(bench, 'cifar10', 'synflow');
    const scored = scores.filter((s) => Number.isFinite(s)).length;
    expect(scored).toBe(4726);
    expect(Number.isNaN(scores[1] as number)).toBe(true); // odd indices have no score
    expect(() => loadZeroCostScores(bench, 'cifar100')).toThrow(/no published zero-cost scores/);
    expect(() => loadZeroCostScores(bench, 'cifar10', 'magic')).toThrow(/unknown zero-cost proxy/);
  });
});

describe('tables', () => {
  it('writes CSV that Arquero reads back to the same rows (quotes, commas, booleans)', () => {
    expect(fromCSV(tableCsv([{ a: 'x,"y"', b: true }])).objects()).toEqual([{ a: 'x,"y"', b: true }]);
  });
});
