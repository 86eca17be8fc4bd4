import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, runKey, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from './finding';
import { snapshotExperiment } from './run-snapshot';
import { executeWorkerTask, findingRunConfig, runFinding, type RunFindingOptions } from './runner';
import { workerResultFile, type WorkerTask } from './worker-run';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('fsnas-runner-workers-test-');
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => server?.stop(), 60_000);

/**
 * A parallel fixture finding: metrics over steps (a NaN among them), a tag and a file per run.
 * `executed` gets each run's name when it finishes computing.
 */
function cubes(id: string, executed: string[]): Finding<{ x: number }> {
  // x/1 ends only after x/2 (or after 1 s, when runs are computed one by one or x/2 never runs), so two
  // workers finish out of plan order whatever the machine's load.
  let x2Finished = (): void => undefined;
  const x2 = new Promise<void>((resolve) => (x2Finished = resolve));
  return {
    id,
    claim: 'cubes keep their sign',
    order: 0,
    parallel: true,
    describeBudget: () => 'four numbers',
    plan: () => [1, 2, 3, 4].map((x) => ({ name: `x/${x}`, config: { x }, tags: { x: String(x) } })),
    async execute(planned, { run, outDir }) {
      const { x } = planned.config;
      if (x === 1) await Promise.race([x2, new Promise((r) => setTimeout(r, 1000))]);
      for (let step = 0; step < 3; step++) await run.logMetrics({ cube: x ** 3 + step, ratio: step === 1 ? Number.NaN : x / (step + 1) }, step);
      await run.logMetric('last', x, 0);
      await run.setTags({ parity: x % 2 === 0 ? 'even' : 'odd' });
      writeFileSync(join(outDir, 'value.txt'), `${x ** 3}\n`);
      executed.push(planned.name);
      if (x === 2) x2Finished();
    },
  };
}

const options = (extra: Partial<RunFindingOptions> = {}): RunFindingOptions => ({ budget: 'smoke', outRoot: join(server.dataDir, 'results'), tracker: { trackingUri: server.url, dataDir: server.dataDir }, ...extra });

/** Workers that compute in this process, as `fsnas reproduce-worker` does in its own. */
function inProcessWorkers(finding: Finding<{ x: number }>, jobs: number, seen: WorkerTask[] = [], fail?: string) {
  return {
    jobs,
    async compute(task: WorkerTask) {
      seen.push(task);
      if (task.run === fail) throw new Error(`worker of ${task.run} killed`);
      await executeWorkerTask(finding, task);
    },
  };
}

// The two findings differ only in their id, which is in the finding param and tag, the run key and the note.
const comparable = (runs: Awaited<ReturnType<typeof snapshotExperiment>>) =>
  runs.map(({ runId: _id, params, tags, ...rest }) => ({
    ...rest,
    params: { ...params, finding: 'T' },
    tags: { ...tags, finding: 'T', 'fsnas.run_key': 'k', 'mlflow.note.content': tags['mlflow.note.content']?.replace(/^T\d-\w+/, 'T') },
  }));

describe('runFinding with workers', () => {
  it('logs the same runs (names, params, tags, metric histories, artifacts) with 2 workers as without', async () => {
    const client = new MlflowClient(server.url);
    const serialRuns: string[] = [];
    const serial = await runFinding(cubes('T1-serial', serialRuns), options());
    const parallelRuns: string[] = [];
    const finding = cubes('T2-parallel', parallelRuns);
    const tasks: WorkerTask[] = [];
    const parallel = await runFinding(finding, options({ workers: inProcessWorkers(finding, 2, tasks) }));
    expect(tasks).toHaveLength(4);
    // Finished out of plan order (x/1 waits for x/2), reported in plan order.
    expect(parallelRuns.indexOf('x/2')).toBeLessThan(parallelRuns.indexOf('x/1'));
    expect(parallel.runs.map((r) => [r.name, r.status])).toEqual(serial.runs.map((r) => [r.name, r.status]));
    const a = await snapshotExperiment(client, 'T1-serial');
    const b = await snapshotExperiment(client, 'T2-parallel');
    expect(a).toHaveLength(4);
    expect(b[0]?.metrics['ratio']?.[1]).toBeNaN();
    expect(b[0]?.tags['parity']).toBe('odd');
    expect(b[0]?.artifacts).toEqual(['value.txt']);
    expect(comparable(b)).toEqual(comparable(a));
    // Result files are gone once their runs are logged.
    expect(tasks.some((t) => existsSync(t.result))).toBe(false);
    expect(readFileSync(join(parallel.outDir, 'x/3', 'value.txt'), 'utf8')).toBe('27\n');
  });

  it('resumes after a failed worker and a parent that died before logging a finished worker: nothing finished is computed again, no run is duplicated', async () => {
    const client = new MlflowClient(server.url);
    const executed: string[] = [];
    const finding = cubes('T3-interrupted', executed);
    // 1. A worker is killed: its run ends FAILED, the others finish.
    await expect(runFinding(finding, options({ workers: inProcessWorkers(finding, 2, [], 'x/2') }))).rejects.toThrow(/worker of x\/2 killed/);
    const afterKill = await snapshotExperiment(client, 'T3-interrupted');
    expect(afterKill.map((r) => [r.name, r.status])).toEqual([
      ['x/1 [smoke]', 'FINISHED'],
      ['x/2 [smoke]', 'FAILED'],
      ['x/3 [smoke]', 'FINISHED'],
      ['x/4 [smoke]', 'FINISHED'],
    ]);
    expect(executed.sort()).toEqual(['x/1', 'x/3', 'x/4']);
    // 2. Its rerun's worker finishes, but the parent dies before logging it: the result file stays.
    const budgetDir = join(server.dataDir, 'results', finding.id, 'smoke');
    const key = runKey(findingRunConfig(finding.id, 'smoke', { x: 2 }));
    const x2: WorkerTask = { finding: finding.id, budget: 'smoke', run: 'x/2', key, outDir: join(budgetDir, 'x/2'), result: workerResultFile(budgetDir, key) };
    expect(await executeWorkerTask(finding, x2)).toBe('computed');
    expect(await executeWorkerTask(finding, x2)).toBe('found');
    expect(executed.filter((n) => n === 'x/2')).toHaveLength(1);
    // 3. The rerun: finished runs are skipped, x/2 is logged from its result into its FAILED run, computed nowhere.
    const computed: WorkerTask[] = [];
    const rerun = await runFinding(finding, options({ workers: inProcessWorkers(finding, 2, computed) }));
    expect(rerun.runs.map((r) => [r.name, r.status])).toEqual([
      ['x/1', 'skipped'],
      ['x/2', 'finished'],
      ['x/3', 'skipped'],
      ['x/4', 'skipped'],
    ]);
    expect(computed).toEqual([]);
    expect(executed.sort()).toEqual(['x/1', 'x/2', 'x/3', 'x/4']);
    const final = await snapshotExperiment(client, 'T3-interrupted');
    expect(final.map((r) => [r.name, r.status])).toEqual(afterKill.map((r) => [r.name, 'FINISHED']));
    expect(final.map((r) => r.runId)).toEqual(afterKill.map((r) => r.runId));
    expect(final[1]?.metrics['cube']).toEqual({ 0: 8, 1: 9, 2: 10 });
    expect(existsSync(x2.result)).toBe(false);
  });

  it('runs a finding that is not parallel in this process even when workers are offered', async () => {
    const executed: string[] = [];
    const finding = { ...cubes('T4-local', executed), parallel: false };
    const report = await runFinding(finding, options({ workers: { jobs: 2, compute: () => Promise.reject(new Error('no worker should start')) } }));
    expect(report.runs.map((r) => r.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    expect(executed).toEqual(['x/1', 'x/2', 'x/3', 'x/4']);
  });
});
