import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunInputs, splitStoreWith } from '@fsnas/experiments';
import { PAPER_SPLIT_SEED, type ComputedSplitSource } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { F2_CONFIG, finding as f2Finding, planF2 } from './index';

describe('F2 plan', () => {
  it('paper: every algorithm on the full space and on all leaves of GM + 2 zero-cost splits, 3 seeds for the stochastic ones; laptop: DARTS and RSPS on the same splits', () => {
    const runs = planF2(F2_CONFIG.paper);
    expect(runs).toHaveLength(2 * (1 + 3 * 8) + 4 * 3 * (1 + 3 * 8));
    expect(new Set(runs.filter((r) => r.config.algo === 'darts').map((r) => r.config.seed))).toEqual(new Set([888]));
    expect(new Set(runs.filter((r) => r.config.algo === 'snas').map((r) => r.config.seed))).toEqual(new Set([888, 777, 666]));
    expect(runs.find((r) => r.config.algo === 'gdas' && r.config.seed === 777 && r.config.leaf === 3 && r.config.family === 'snip')?.name).toBe('gdas/snip/leaf3/seed777');
    expect(new Set(runs.map((r) => r.config.family))).toEqual(new Set(['full', 'gradient_matching', 'synflow', 'snip']));
    // The leaves of a family partition the space.
    const gm = runs.filter((r) => r.config.algo === 'darts' && r.config.family === 'gradient_matching');
    const size = (m: number[][]) => m.reduce((p, row) => p * row.reduce((a, b) => a + b, 0), 1);
    expect(gm.reduce((s, r) => s + size(r.config.mask), 0)).toBe(15625);
    expect(f2Finding.describeBudget('paper')).toMatch(/^350 searches/);
    expect(planF2(F2_CONFIG.laptop)).toHaveLength(2 * (1 + 3 * 8));
    expect(new Set(planF2(F2_CONFIG.laptop).map((r) => r.config.family))).toEqual(new Set(['full', 'gradient_matching', 'synflow', 'snip']));
  });

  it('searches the leaves of our splits as it does the paper’s: our reference num_params split (fsnas split) gives the paper’s leaf masks', async () => {
    const ours: ComputedSplitSource = { kind: 'computed', metric: 'num_params', dataset: 'cifar10', seed: PAPER_SPLIT_SEED, fidelity: 'reference', warmup: null };
    const store = await splitStoreWith([ours]);
    const config = { ...F2_CONFIG.smoke, groups: [{ algos: ['darts' as const], families: ['num_params', ours], seeds: [888] }] };
    const runs = planF2(config, store);
    expect(runs.map((r) => r.name)).toEqual(['darts/full', 'darts/num_params/leaf0', 'darts/num_params/leaf1', 'darts/ours:num_params/leaf0', 'darts/ours:num_params/leaf1']);
    expect(runs[3]?.config.mask).toEqual(runs[1]?.config.mask);
    expect(runs[3]?.tags['family']).toBe('ours:num_params');
    expect(() => planF2({ ...config, groups: [{ algos: ['darts'], families: [{ ...ours, seed: 1 }], seeds: [888] }] }, store)).toThrow(/the split ours:num_params\[seed 1\] is not computed yet/);
    expect(() => planF2({ ...config, groups: [...config.groups, { algos: ['darts'], families: [], seeds: [888] }] }, store)).toThrow('F2 plans the search darts/full twice');
  }, 120_000);

  it('smoke plans 6 runs', () => {
    expect(planF2(F2_CONFIG.smoke).map((r) => r.name)).toEqual(['darts/full', 'darts/gradient_matching/leaf0', 'darts/gradient_matching/leaf1', 'rsps/full', 'rsps/gradient_matching/leaf0', 'rsps/gradient_matching/leaf1']);
  });

  it.skipIf(process.env['FSNAS_F2_E2E'] !== '1')('executes one smoke search (FSNAS_F2_E2E=1: needs CIFAR-10)', async () => {
    const rows: Record<string, number>[] = [];
    const [first] = planF2(F2_CONFIG.smoke);
    await f2Finding.execute(first!, { run: { logMetrics: async (v: Readonly<Record<string, number>>) => void rows.push({ ...v }) } as never, outDir: mkdtempSync(join(tmpdir(), 'fsnas-f2-')), budget: 'smoke', inputs: createRunInputs() });
    expect(rows.at(-1)?.['accuracy_test']).toBeGreaterThan(0);
  });
});
