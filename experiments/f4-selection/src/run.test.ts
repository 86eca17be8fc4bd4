import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricRecorder } from '@fsnas/experiments';
import { describe, expect, it } from 'vitest';
import { F4_CONFIG, SUMMARY, executeF4, f4Finding, planF4, type F4RunConfig } from './index';


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
    await executeF4(base, sink, dir);
    const summary = sink.rows.find((r) => 'mean_regret.oracle' in r.values);
    expect(summary?.values['mean_regret.oracle']).toBe(0);
    expect(Object.keys(summary?.values ?? {})).toContain('mean_regret.best-mean_40');
    expect(sink.rows.filter((r) => 'regret.random' in r.values).map((r) => r.step)).toEqual([0, 1, 2, 3, 4]);
    const csv = readFileSync(join(dir, 'regret.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    await expect(executeF4({ ...base, metric: 'nope' }, sink, dir)).rejects.toThrow(/no paper split/);
  });

  it('the summary notes skipped methods and writes the figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f4-'));
    const sink = metricRecorder();
    await executeF4({ ...base, dataset: 'cifar100', metric: SUMMARY, seeds: 2, samples: 10 }, sink, dir);
    expect(readFileSync(join(dir, 'skipped.txt'), 'utf8')).toMatch(/no published scores for cifar100/);
    expect(existsSync(join(dir, 'f4-regret-cifar100.html'))).toBe(true);
    expect(sink.rows[0]?.values['mean_regret.oracle']).toBe(0);
  });
});
