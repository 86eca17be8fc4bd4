import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, flattenParams, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from './finding';
import { NoResultsError, loadFindingRuns } from './results';
import { findingRunConfig, planEntries, runFinding, selectPlannedRun } from './runner';
import { findingStatus } from './status';
import { runKey } from '@fsnas/tracking';

// A real MLflow server on a free loopback port, with a temporary store.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('fsnas-experiments-test-');
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => server?.stop(), 60_000);

let executions = 0;
const squares: Finding<{ x: number }> = {
  id: 'T0-squares',
  claim: 'squares are non-negative',
  order: 0,
  describeBudget: (budget) => (budget === 'smoke' ? 'two numbers' : 'three numbers'),
  plan: (budget) => (budget === 'smoke' ? [1, 2] : [1, 2, 3]).map((x) => ({ name: `x=${x}`, config: { x }, tags: { x: String(x) } })),
  async execute(planned, { run, outDir }) {
    executions++;
    const { x } = planned.config;
    await run.logMetric('square', x * x, 0);
    writeFileSync(join(outDir, 'table.csv'), `x,square\n${x},${x * x}\n`);
  },
};

describe('findingRunConfig', () => {
  it('keeps the budget param equal to the budget tag: a finding field named budget moves to config.budget', () => {
    expect(findingRunConfig('F4-selection', 'paper', { metric: 'snip', budget: null })).toEqual({ finding: 'F4-selection', budget: 'paper', metric: 'snip', config: { budget: null } });
    expect(flattenParams(findingRunConfig('F4-selection', 'paper', { budget: null }))).toEqual({ finding: 'F4-selection', budget: 'paper', 'config.budget': 'none' });
    expect(findingRunConfig('T0', 'smoke', { x: 1 })).toEqual({ finding: 'T0', budget: 'smoke', x: 1 });
  });
});

describe('selectPlannedRun', () => {
  it('names a planned run by index, by name or by a unique prefix of its run key, and refuses anything else by name', () => {
    const entries = planEntries(squares, 'laptop');
    expect(entries.map((e) => e.name)).toEqual(['x=1', 'x=2', 'x=3']);
    // The key is the hash of the logged config, computed here from the config as the runner logs it.
    expect(entries[2]?.key).toBe(runKey({ finding: 'T0-squares', budget: 'laptop', x: 3 }));
    expect(selectPlannedRun(squares, 'laptop', '2')).toBe(2);
    expect(selectPlannedRun(squares, 'laptop', 'x=2')).toBe(1);
    expect(selectPlannedRun(squares, 'laptop', entries[0]!.key.slice(0, 8))).toBe(0);
    expect(() => selectPlannedRun(squares, 'smoke', '2')).toThrow(/plans 2 run\(s\), indices 0–1; got index 2/);
    expect(() => selectPlannedRun(squares, 'laptop', 'x=4')).toThrow(/no run with index, run key or name 'x=4'/);
    expect(() => selectPlannedRun(squares, 'laptop', entries[0]!.key.slice(0, 7))).toThrow(/no run with/);
  });
});

describe('runFinding', () => {
  it('logs one run per planned combination, with params, tags, metrics and artifacts, and skips finished ones on a re-run', async () => {
    const options = { budget: 'smoke' as const, outRoot: join(server.dataDir, 'results'), tracker: { trackingUri: server.url, dataDir: server.dataDir } };
    const first = await runFinding(squares, options);
    expect(first.runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    expect(first.pendingWrites).toBe(0);
    expect(first.outDir).toBe(join(server.dataDir, 'results', 'T0-squares', 'smoke'));
    expect(readFileSync(join(first.outDir, 'x=1', 'table.csv'), 'utf8')).toBe('x,square\n1,1\n');

    const client = new MlflowClient(server.url);
    const experiment = await client.getExperimentByName('T0-squares');
    expect(experiment?.tags.find((t) => t.key === 'mlflow.note.content')?.value).toMatch(/^T0-squares: squares are non-negative/);
    const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(runs).toHaveLength(2);
    for (const run of runs) {
      const x = Number(run.params.find((p) => p.key === 'x')?.value);
      expect(run.tags.find((t) => t.key === 'finding')?.value).toBe('T0-squares');
      expect(run.tags.find((t) => t.key === 'budget')?.value).toBe('smoke');
      expect(run.tags.find((t) => t.key === 'git_commit')?.value).toMatch(/^[0-9a-f]{12}(-dirty)?$|^unknown$/);
      // MLflow's standard tags, as its UI and its Python client expect them.
      const tags = Object.fromEntries(run.tags.map((t) => [t.key, t.value]));
      expect(run.info.runName).toBe(`x=${x} [smoke]`);
      expect(tags['mlflow.runName']).toBe(`x=${x} [smoke]`);
      expect(tags['mlflow.user']).toMatch(/./);
      expect(tags['mlflow.source.name']).toBe('fsnas reproduce');
      expect(tags['mlflow.source.type']).toBe('LOCAL');
      expect(tags['mlflow.source.git.commit']).toMatch(/^[0-9a-f]{40}$/);
      expect(tags['mlflow.note.content']).toBe(`T0-squares x=${x}, smoke budget (x=${x})`);
      expect(run.metrics.find((m) => m.key === 'square')?.value).toBe(x * x);
      const artifacts = await client.listArtifacts(run.info);
      expect(artifacts.map((a) => a.path)).toContain('table.csv');
      expect(await client.downloadArtifact(run.info, 'table.csv')).toBe(`x,square\n${x},${x * x}\n`);
    }

    const again = await runFinding(squares, options);
    expect(again.runs.map((r) => r.status)).toEqual(['skipped', 'skipped']);
    expect(executions).toBe(2);

    // What notebooks read back: finished runs with their params, metrics and artifacts.
    const env = { ...process.env, MLFLOW_TRACKING_URI: server.url };
    const read = await loadFindingRuns('T0-squares', { env });
    expect(read.map((r) => r.name)).toEqual(['x=1 [smoke]', 'x=2 [smoke]']);
    expect(read.map((r) => r.metrics['square'])).toEqual([1, 4]);
    expect(await read[1]!.artifact('table.csv')).toBe('x,square\n2,4\n');
    expect(await read[0]!.artifactPaths()).toEqual(['table.csv']);
    expect((await loadFindingRuns('T0-squares', { env, tags: { x: '2' } })).map((r) => r.name)).toEqual(['x=2 [smoke]']);
    await expect(loadFindingRuns('T9-nothing', { env })).rejects.toThrow(NoResultsError);
  });
});

describe('findingStatus', () => {
  it('matches each planned run to MLflow by run key: finished, failed and not started, with an ETA at the finished runs\' median over the jobs', async () => {
    const failing: Finding<{ x: number }> = {
      ...squares,
      id: 'T1-status',
      async execute(planned, context) {
        if (planned.config.x === 2) throw new Error('x=2 fails');
        await squares.execute(planned, context);
      },
    };
    const options = { budget: 'laptop' as const, outRoot: join(server.dataDir, 'results'), tracker: { trackingUri: server.url, dataDir: server.dataDir } };
    const client = new MlflowClient(server.url);
    const before = await findingStatus(failing, 'laptop', client, { jobs: 2 });
    expect(before).toMatchObject({ planned: 3, finished: 0, notStarted: 3, medianRunSeconds: null, etaSeconds: null });

    await runFinding(failing, { ...options, only: [0] });
    await expect(runFinding(failing, { ...options, only: [1] })).rejects.toThrow('x=2 fails');
    const after = await findingStatus(failing, 'laptop', client, { jobs: 2 });
    expect(after.runs.map((r) => r.state)).toEqual(['finished', 'failed', 'not_started']);
    expect(after).toMatchObject({ planned: 3, finished: 1, failed: 1, running: 0, notStarted: 1 });
    const seconds = after.runs[0]?.seconds as number;
    expect(after.medianRunSeconds).toBe(seconds);
    // Two runs left (the failed one is rerun) at the median, over 2 jobs.
    expect(after.etaSeconds).toBeCloseTo((2 * seconds) / 2, 9);
    // Another budget's plan has other run keys: nothing of it is done.
    expect((await findingStatus(failing, 'smoke', client, { jobs: 1 })).finished).toBe(0);
  });
});
