import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computedSplitSources, createRunInputs, metricRecorder, splitStoreWith } from '@fsnas/experiments';
import { PAPER_SPLIT_SEED, type ComputedSplitSource } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { F4_CONFIG, SUMMARY, executeF4, finding as f4Finding, planF4, type F4RunConfig } from './index';

const inputs = createRunInputs();


const base: F4RunConfig = { dataset: 'cifar10', metric: 'synflow', source: 'paper', seeds: 5, samples: 40, budget: null, proxy: 'nwot', png: false };

describe('F4 selection experiment', () => {
  it('plans the paper grid on laptop/paper and a tiny one for smoke', () => {
    expect(planF4(F4_CONFIG.paper)).toHaveLength(3 * 11);
    expect(planF4(F4_CONFIG.smoke).map((p) => p.config.metric)).toEqual(['gradient_matching', 'synflow', SUMMARY]);
    expect(F4_CONFIG.laptop.seeds).toBe(32);
    expect(F4_CONFIG.laptop.samples).toBe(600);
    expect(f4Finding.describeBudget('laptop')).toMatch(/32 seeds/);
  });

  it('logs mean regret per method and one regret point per seed, with oracle at 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f4-'));
    const sink = metricRecorder();
    await executeF4(base, sink, dir, inputs);
    const summary = sink.rows.find((r) => 'mean_regret.oracle' in r.values);
    expect(summary?.values['mean_regret.oracle']).toBe(0);
    expect(Object.keys(summary?.values ?? {})).toContain('mean_regret.best-mean_40');
    expect(sink.rows.filter((r) => 'regret.random' in r.values).map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    const csv = readFileSync(join(dir, 'regret.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    await expect(executeF4({ ...base, metric: 'nope' }, sink, dir, inputs)).rejects.toThrow(/the paper has no cifar10 split for 'nope'/);
  });

  it('the summary notes skipped methods and writes the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f4-'));
    const sink = metricRecorder();
    await executeF4({ ...base, dataset: 'cifar100', metric: SUMMARY, seeds: 2, samples: 10 }, sink, dir, inputs);
    expect(readFileSync(join(dir, 'skipped.txt'), 'utf8')).toMatch(/no published scores for cifar100/);
    expect(existsSync(join(dir, 'f4-regret-cifar100.html'))).toBe(true);
    expect(sink.rows[0]?.values['mean_regret.oracle']).toBe(0);
  });

  it('plans our splits beside the paper’s, and our num_params split (fsnas split, reference mode) regrets as the paper’s does', async () => {
    const planned = planF4(F4_CONFIG.smoke, computedSplitSources('smoke', ['cifar10']));
    expect(planned.map((p) => p.name)).toEqual(['cifar10/gradient_matching', 'cifar10/synflow', 'cifar10/ours:num_params[tiny]', 'cifar10/ours:synflow[tiny]', 'cifar10/ours:random[tiny]', `cifar10/${SUMMARY}`]);
    const ours: ComputedSplitSource = { kind: 'computed', metric: 'num_params', dataset: 'cifar10', seed: PAPER_SPLIT_SEED, fidelity: 'reference', warmup: null };
    const store = await splitStoreWith([ours]);
    const withOurs = { ...inputs, splits: () => store };
    const paper = metricRecorder();
    const mine = metricRecorder();
    await executeF4({ ...base, metric: 'num_params' }, paper, mkdtempSync(join(tmpdir(), 'fsnas-f4-')), withOurs);
    await executeF4({ ...base, metric: 'num_params', source: ours }, mine, mkdtempSync(join(tmpdir(), 'fsnas-f4-')), withOurs);
    expect(mine.rows).toEqual(paper.rows);
    expect(mine.rows[0]?.values['mean_regret.oracle']).toBe(0);
  }, 120_000);
});
