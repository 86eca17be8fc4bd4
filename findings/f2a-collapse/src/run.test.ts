import { Benchmark } from '@fsnas/benchmark';
import { Mask } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { COLLAPSE_CONFIG, finding, planCollapse } from './index';

describe('F2a-collapse plan', () => {
  it('medium: 3 lines × 3 seeds, the GM leaf being the one that holds the best architecture of the space', () => {
    const runs = planCollapse(COLLAPSE_CONFIG.medium);
    expect(runs).toHaveLength(9);
    const bench = Benchmark.load();
    const best = bench.arch(bench.bestIndex('cifar10'));
    const leaf = runs.find((r) => r.config.family === 'gradient_matching');
    expect(Mask.fromRows(leaf!.config.mask).contains(best)).toBe(true);
    expect(Mask.fromRows(leaf!.config.mask).size).toBeLessThan(15625);
    expect(new Set(runs.map((r) => r.tags['net']))).toEqual(new Set(['C8N1', 'C16N1']));
    // Seed-major: a sweep cut short has every line with its first seed.
    expect(runs.slice(0, 3).map((r) => [r.tags['net'], r.config.family, r.config.seed])).toEqual([
      ['C8N1', 'full', 888],
      ['C8N1', 'gradient_matching', 888],
      ['C16N1', 'full', 888],
    ]);
    expect(finding.describeBudget('medium')).toMatch(/^9 first-order DARTS searches/);
  });
});
