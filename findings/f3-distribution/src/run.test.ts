import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunInputs, runFinding, metricRecorder } from '@fsnas/experiments';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { F3_CONFIG, F3_EXPERIMENT, SUMMARY, executeF3, finding as f3Finding, planF3 } from './index';

const inputs = createRunInputs();


describe('F3 plan', () => {
  it('plans one run per family and dataset plus one summary per dataset', () => {
    expect(planF3(F3_CONFIG.laptop)).toHaveLength(3 * 11);
    expect(planF3(F3_CONFIG.smoke).map((p) => p.name)).toEqual(['cifar10/gradient_matching', 'cifar10/random_seed888', `cifar10/${SUMMARY}`]);
    expect(f3Finding.describeBudget('smoke')).toMatch(/HTML only/);
  });
});

describe('F3 execute', () => {
  it('logs per-family metrics and per-leaf curves and writes the leaf table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f3-'));
    const sink = metricRecorder();
    const result = await executeF3({ dataset: 'cifar10', metric: 'gradient_matching', source: 'paper', png: false }, sink, dir, inputs);
    const summary = sink.rows.find((r) => r.step === 0 && 'leaf_holding_best' in r.values);
    expect(summary?.values['leaf_holding_best']).toBe(result.metrics[0]?.leafHoldingBest);
    expect(sink.rows.filter((r) => 'leaf_mean' in r.values).map((r) => r.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const csv = readFileSync(join(dir, 'leaves.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('metric,leaf,size,mean,median,q25,q75,max,bestIndex,top1pct,top5pct,holdsBest');
    expect(csv).toHaveLength(9);
    await expect(executeF3({ dataset: 'cifar10', metric: 'nope', source: 'paper', png: false }, sink, dir, inputs)).rejects.toThrow(/no paper split for metric 'nope'/);
  });

  it('the summary run writes every figure as HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f3-'));
    await executeF3({ dataset: 'cifar100', metric: SUMMARY, source: 'paper', png: false }, metricRecorder(), dir, inputs);
    for (const name of ['f3-accuracy-boxes', 'f3-leaf-sizes', 'f3-top-archs', 'f3-leaf-means']) expect(existsSync(join(dir, `${name}-cifar100.html`))).toBe(true);
  });
});

// End to end through the real runner and a real MLflow server (the smoke budget: 3 runs).
describe('F3 with MLflow', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('fsnas-f3-test-');
  }, SERVER_HOOK_TIMEOUT_MS);
  afterAll(async () => server?.stop(), 60_000);

  it('logs the smoke budget as one MLflow run per planned combination, with tables as artifacts', async () => {
    const report = await runFinding(f3Finding, { budget: 'smoke', outRoot: join(server.dataDir, 'results'), tracker: { trackingUri: server.url, dataDir: server.dataDir } });
    expect(report.runs.map((r) => r.status)).toEqual(['finished', 'finished', 'finished']);
    const client = new MlflowClient(server.url);
    const experiment = await client.getExperimentByName(F3_EXPERIMENT);
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    const gm = runs.find((r) => r.tags.find((t) => t.key === 'metric')?.value === 'gradient_matching');
    expect(gm?.metrics.find((m) => m.key === 'leaf_holding_best')?.value).toBe(1);
    expect((await client.listArtifacts(gm!.info)).map((a) => a.path)).toContain('leaves.csv');
  });
});
