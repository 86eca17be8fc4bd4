import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computedSplitSources, createRunInputs, runFinding, metricRecorder, splitStoreWith } from '@fsnas/experiments';
import { PAPER_SPLIT_SEED, type ComputedSplitSource } from '@fsnas/splitting';
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

  it('sets the budget’s own splits beside the paper’s, one run each, and hands them to the summary', () => {
    const planned = planF3(F3_CONFIG.smoke, computedSplitSources('smoke', ['cifar10']));
    expect(planned.map((p) => p.name)).toEqual(['cifar10/gradient_matching', 'cifar10/random_seed888', 'cifar10/ours:num_params[tiny]', 'cifar10/ours:synflow[tiny]', 'cifar10/ours:random[tiny]', `cifar10/${SUMMARY}`]);
    expect(planned.at(-1)?.config.ours?.map((s) => s.metric)).toEqual(['num_params', 'synflow', 'random']);
  });
});

describe('F3 on our splits', () => {
  it('our num_params split (computed by fsnas split, reference mode) gives the paper’s num_params numbers, and the summary keeps the paper’s apart', async () => {
    const ours: ComputedSplitSource = { kind: 'computed', metric: 'num_params', dataset: 'cifar10', seed: PAPER_SPLIT_SEED, fidelity: 'reference', warmup: null };
    const store = await splitStoreWith([ours]);
    const withOurs = { ...inputs, splits: () => store };
    const paper = metricRecorder();
    const mine = metricRecorder();
    await executeF3({ dataset: 'cifar10', metric: 'num_params', source: 'paper', png: false }, paper, mkdtempSync(join(tmpdir(), 'fsnas-f3-')), withOurs);
    await executeF3({ dataset: 'cifar10', metric: 'num_params', source: ours, png: false }, mine, mkdtempSync(join(tmpdir(), 'fsnas-f3-')), withOurs);
    expect(mine.rows).toEqual(paper.rows);
    const summary = metricRecorder();
    const alone = metricRecorder();
    await executeF3({ dataset: 'cifar10', metric: SUMMARY, source: 'paper', png: false, ours: [ours] }, summary, mkdtempSync(join(tmpdir(), 'fsnas-f3-')), withOurs);
    await executeF3({ dataset: 'cifar10', metric: SUMMARY, source: 'paper', png: false }, alone, mkdtempSync(join(tmpdir(), 'fsnas-f3-')), withOurs);
    const values = summary.rows[0]?.values ?? {};
    expect(values['ours_families']).toBe(1);
    expect(values['ours_share_best_mean_leaf_holds_best']).toBe(Number(paper.rows[0]?.values['best_mean_leaf_holds_best']));
    // The paper's numbers do not move when ours are set beside them.
    for (const key of ['families', 'share_best_mean_leaf_holds_best', 'mean_rank_of_leaf_holding_best']) expect(values[key], key).toBe(alone.rows[0]?.values[key]);
  }, 120_000);
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
    await expect(executeF3({ dataset: 'cifar10', metric: 'nope', source: 'paper', png: false }, sink, dir, inputs)).rejects.toThrow(/the paper has no cifar10 split for 'nope'; it has gradient_matching/);
  });

  it('the summary run writes every figure as HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f3-'));
    await executeF3({ dataset: 'cifar100', metric: SUMMARY, source: 'paper', png: false }, metricRecorder(), dir, inputs);
    for (const name of ['f3-accuracy-boxes', 'f3-leaf-sizes', 'f3-top-archs', 'f3-leaf-means']) expect(existsSync(join(dir, `${name}-cifar100.html`))).toBe(true);
  });
});

// End to end through the real runner and a real MLflow server: the smoke budget's runs on the paper's
// splits (ours need the splits stage, which reproduce runs first; their reading is tested above).
describe('F3 with MLflow', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('fsnas-f3-test-');
  }, SERVER_HOOK_TIMEOUT_MS);
  afterAll(async () => server?.stop(), 60_000);

  it('logs the smoke budget as one MLflow run per planned combination, with tables as artifacts', async () => {
    const paperOnly = { ...f3Finding, plan: () => planF3(F3_CONFIG.smoke) };
    const report = await runFinding(paperOnly, { budget: 'smoke', outRoot: join(server.dataDir, 'results'), tracker: { trackingUri: server.url, dataDir: server.dataDir } });
    expect(report.runs.map((r) => r.status)).toEqual(['finished', 'finished', 'finished']);
    const client = new MlflowClient(server.url);
    const experiment = await client.getExperimentByName(F3_EXPERIMENT);
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    const gm = runs.find((r) => r.tags.find((t) => t.key === 'metric')?.value === 'gradient_matching');
    expect(gm?.metrics.find((m) => m.key === 'leaf_holding_best')?.value).toBe(1);
    expect((await client.listArtifacts(gm!.info)).map((a) => a.path)).toContain('leaves.csv');
  });
});
