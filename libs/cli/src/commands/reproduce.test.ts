import { mkdtempSync, rmSync } from 'node:fs';
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
});
