import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { F2Export } from '@fsnas/finding-f2-oneshot-on-splits';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, stopLocalServer } from '@fsnas/tracking';
import { afterAll, describe, expect, it } from 'vitest';
import { runFsnasWithEnv } from '../testing';

const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-cli-reproduce-'));
afterAll(async () => {
  await stopLocalServer({ dataDir, graceMs: 5000 });
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('fsnas reproduce', () => {
  it('prints the MLflow UI URL at its start, runs the splits stage F3 requires first, and names runs with their budget', async () => {
    const result = await runFsnasWithEnv({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: undefined }, 'reproduce', '--finding', 'F3', '--budget', 'smoke', '--json');
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    const ui = lines.findIndex((l) => /^fsnas reproduce: MLflow UI: http:\/\/127\.0\.0\.1:\d+ /.test(l));
    const splitsStage = lines.findIndex((l) => l.startsWith('splits (smoke):'));
    const f3 = lines.findIndex((l) => l.startsWith('F3-distribution (smoke):'));
    expect(ui).toBe(0);
    expect(splitsStage).toBeGreaterThan(ui);
    expect(f3).toBeGreaterThan(splitsStage);
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(lines[ui] as string)?.[1] as string;
    const summary = JSON.parse(result.stdout) as { mlflow_url: string };
    expect(summary.mlflow_url).toBe(url);

    const client = new MlflowClient(url);
    const splits = await client.getExperimentByName('splits');
    const trees = await client.searchRuns({ experimentIds: [splits!.experimentId] });
    expect(trees.map((r) => r.info.runName).sort()).toEqual(['cifar10/num_params [smoke]', 'cifar10/random [smoke]', 'cifar10/synflow [smoke]']);
    for (const tree of trees) expect((await client.listArtifacts(tree.info)).map((a) => a.path).sort()).toEqual(['split-tree.json', 'timing.json']);
    // F3 on the paper's splits and, beside them, on ours.
    const experiment = await client.getExperimentByName('F3-distribution');
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs.map((r) => r.info.runName).sort()).toEqual([
      'cifar10/all [smoke]',
      'cifar10/gradient_matching [smoke]',
      'cifar10/ours:num_params[tiny] [smoke]',
      'cifar10/ours:random[tiny] [smoke]',
      'cifar10/ours:synflow[tiny] [smoke]',
      'cifar10/random_seed888 [smoke]',
    ]);
    for (const run of runs) {
      const tags = Object.fromEntries(run.tags.map((t) => [t.key, t.value]));
      expect(tags).toMatchObject({ budget: 'smoke', 'mlflow.source.name': 'fsnas reproduce', 'mlflow.source.type': 'LOCAL', 'mlflow.runName': run.info.runName });
      expect(tags['mlflow.note.content']).toMatch(/^F3-distribution cifar10\/.+, smoke budget/);
    }
  }, SERVER_HOOK_TIMEOUT_MS);

  it('fsnas run computes one planned run by its index, logs it under the run key --list shows, and skips it when asked again', async () => {
    const env = { FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: undefined };
    const listed = await runFsnasWithEnv(env, 'run', 'F4', '--budget', 'smoke', '--list', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    const plan = (JSON.parse(listed.stdout) as { runs: { index: number; key: string; name: string }[] }).runs;
    expect(plan.length).toBeGreaterThan(1);
    expect(plan.map((p) => p.index)).toEqual(plan.map((_, i) => i));
    const target = plan[1] as (typeof plan)[number];

    const first = await runFsnasWithEnv(env, 'run', 'F4', '--budget', 'smoke', '--run', '1', '--json');
    expect(first.status, first.stderr).toBe(0);
    const done = JSON.parse(first.stdout) as { mlflow_url: string; run: { name: string; run_id: string; status: string } };
    expect(done.run).toMatchObject({ name: target.name, status: 'finished' });
    const client = new MlflowClient(done.mlflow_url);
    const experiment = await client.getExperimentByName('F4-selection');
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs.map((r) => r.info.runId)).toEqual([done.run.run_id]);
    const tags = Object.fromEntries((runs[0]?.tags ?? []).map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'fsnas.run_key': target.key, 'mlflow.source.name': 'fsnas run', 'mlflow.runName': `${target.name} [smoke]` });

    // The same run named by a prefix of its key: FINISHED, so skipped, nothing recomputed.
    const again = await runFsnasWithEnv(env, 'run', 'F4', '--budget', 'smoke', '--run', target.key.slice(0, 10), '--json');
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { run: unknown }).run).toMatchObject({ run_id: done.run.run_id, status: 'skipped' });

    const outside = await runFsnasWithEnv(env, 'run', 'F4', '--budget', 'smoke', '--run', String(plan.length));
    expect(outside.status).toBe(1);
    expect(outside.stderr).toContain(`plans ${plan.length} run(s)`);
    const unnamed = await runFsnasWithEnv(env, 'run', 'F4', '--budget', 'smoke');
    expect(unnamed.status).toBe(1);
    expect(unnamed.stderr).toContain('--run <index|key|name>');
  }, SERVER_HOOK_TIMEOUT_MS);

  it('analyze f2 exports the paper-format table of the logged F2 searches, every cell citing MLflow runs that hold its numbers', async () => {
    const env = { FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: undefined };
    const reproduced = await runFsnasWithEnv(env, 'reproduce', '--finding', 'F2', '--budget', 'smoke', '--json');
    expect(reproduced.status, reproduced.stderr).toBe(0);
    const out = join(dataDir, 'export');
    const result = await runFsnasWithEnv(env, 'analyze', 'f2', '--budget', 'smoke', '--export', out, '--json');
    expect(result.status, result.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'F2-smoke-cifar10.json'), 'utf8')) as F2Export;
    expect(JSON.parse(result.stdout)).toEqual(doc);
    expect(readFileSync(join(out, 'F2-smoke-cifar10.csv'), 'utf8').split('\n')[0]).toBe('family,algo,best_of_8,mean,selected,std,seeds,leaves,planned,runs');
    expect(doc).toMatchObject({ budget: 'smoke', dataset: 'cifar10' });
    expect(doc.commit).toMatch(/^[0-9a-f]{40}$/);
    // Each cell against the runs it cites, read back from MLflow: best-of-leaves of accuracy_test.
    const client = new MlflowClient(doc.mlflow_url);
    const experiment = await client.getExperimentByName('F2-oneshot-on-splits');
    const runs = new Map((await client.searchRuns({ experimentIds: [experiment!.experimentId] })).map((r) => [r.info.runId, r]));
    expect(doc.cells.map((c) => `${c.algo} ${c.family} ${c.leaves}/${c.planned}`).sort()).toEqual(['darts gradient_matching 2/2', 'darts none 1/1', 'rsps gradient_matching 2/2', 'rsps none 1/1']);
    for (const cell of doc.cells) {
      const accuracies = cell.runs.map((id) => runs.get(id)?.metrics.find((m) => m.key === 'accuracy_test')?.value as number);
      expect(cell.best_of_8).toBe(Math.max(...accuracies));
      expect(cell.runs.every((id) => runs.get(id)?.tags.some((t) => t.key === 'algo' && t.value === cell.algo))).toBe(true);
    }
  }, SERVER_HOOK_TIMEOUT_MS);
});
