import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotExperiment, type RunSnapshot } from '@fsnas/experiments';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, stopLocalServer } from '@fsnas/tracking';
import { afterAll, describe, expect, it } from 'vitest';
import { FSNAS_BIN } from '../fsnas-worker';
import { liveProcesses, runFsnasWithEnv } from '../testing';

const F2 = 'F2-oneshot-on-splits';
const serialDir = mkdtempSync(join(tmpdir(), 'fsnas-jobs-serial-'));
const parallelDir = mkdtempSync(join(tmpdir(), 'fsnas-jobs-parallel-'));
afterAll(async () => {
  for (const dataDir of [serialDir, parallelDir]) {
    await stopLocalServer({ dataDir, graceMs: 5000 });
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 60_000);

const env = (dataDir: string) => ({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: undefined });
const reproduceArgs = ['reproduce', '--finding', 'F2', '--budget', 'smoke', '--json'];

interface Report {
  mlflow_url: string;
  findings: { finding: string; runs: { name: string; run_id: string; status: 'finished' | 'skipped'; resumed?: boolean }[] }[];
}

/** F2's runs in a reproduce report (the splits stage it requires is reported first). */
const f2Runs = (report: Report) => report.findings.find((f) => f.finding === F2)!.runs;

/** `fsnas reproduce` as a child we can watch (its stderr) and kill. */
function start(dataDir: string, ...extra: string[]): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, FSNAS_QUIET: '1', FSNAS_DATA_DIR: dataDir };
  delete childEnv['MLFLOW_TRACKING_URI'];
  const child = spawn(process.execPath, [FSNAS_BIN, ...reproduceArgs, ...extra], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => void (err += c.toString()));
  child.stdout?.resume();
  return { child, stderr: () => err, exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

/** Live children of `pid` that are reproduce workers. */
function workersOf(pid: number): number[] {
  return liveProcesses()
    .filter((p) => p.ppid === pid && p.cmdline.includes('reproduce-worker'))
    .map((p) => p.pid);
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Wall times differ between runs; every other metric is deterministic in the config and the thread
// count (TensorFlow's reductions depend on it: RSPS's smoke train loss moves by 1e-3 between 1 and 2
// threads), so the serial run computes with one thread, as each worker does, and must match exactly.
function expectSameRuns(actual: readonly RunSnapshot[], expected: readonly RunSnapshot[]): void {
  const timeless = (runs: readonly RunSnapshot[]) => runs.map((r) => ({ ...r, runId: '', metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => !k.endsWith('_seconds'))) }));
  expect(timeless(actual)).toEqual(timeless(expected));
}

let serial: RunSnapshot[] = [];

describe('fsnas reproduce --jobs', () => {
  it('--jobs 1 computes the F2 smoke searches in this process', async () => {
    const r = await runFsnasWithEnv({ ...env(serialDir), FSNAS_THREADS: '1' }, ...reproduceArgs, '--jobs', '1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/1 worker\(s\) × 1 thread\(s\) for the splits, F2-oneshot-on-splits runs/);
    // The engine line comes first, as in every computing command, and the engine is on every run.
    const engine = /^fsnas: tfjs backend (\S+) \[auto\] \((.+?), 1 thread/m.exec(r.stderr);
    expect(engine, r.stderr).not.toBeNull();
    const report = JSON.parse(r.stdout) as Report;
    serial = await snapshotExperiment(new MlflowClient(report.mlflow_url), F2);
    for (const run of serial) expect(run.tags).toMatchObject({ 'fsnas.backend': engine![1], 'fsnas.engine': engine![2], 'fsnas.threads': '1' });
    expect(serial.map((s) => [s.name, s.status])).toEqual(f2Runs(report).map((run) => [`${run.name} [smoke]`, 'FINISHED']).sort((a, b) => a[0]!.localeCompare(b[0]!)));
    expect(serial).toHaveLength(6);
  }, SERVER_HOOK_TIMEOUT_MS);

  it('--jobs 2, with the parent and then a worker SIGKILLed, resumes to the same runs as --jobs 1: no duplicates, no finished run redone', async () => {
    expect(serial).toHaveLength(6);
    // 1. Kill the parent once a run has finished, while workers compute: they must stop with it, not
    //    compute on as orphans.
    const first = start(parallelDir, '--jobs', '2');
    const url = await until(() => /MLflow UI: (http:\/\/127\.0\.0\.1:\d+)/.exec(first.stderr())?.[1], 'the MLflow URL');
    const client = new MlflowClient(url);
    const finishedRuns = async (): Promise<number> => {
      const experiment = await client.getExperimentByName(F2);
      return experiment ? (await client.searchRuns({ experimentIds: [experiment.experimentId] })).filter((r) => r.info.status === 'FINISHED').length : 0;
    };
    await until(async () => ((await finishedRuns()) > 0 ? true : undefined), 'a run to finish');
    const orphans = await until(() => (first.child.pid && workersOf(first.child.pid).length > 0 ? workersOf(first.child.pid) : undefined), 'a worker after the first finished run');
    first.child.kill('SIGKILL');
    await first.exit;
    const anyAlive = () => liveProcesses().some((p) => orphans.includes(p.pid));
    await until(() => (anyAlive() ? undefined : true), `the orphaned workers ${orphans.join(', ')} to exit`, 15_000);
    const afterParentKill = await snapshotExperiment(client, F2);
    const finishedFirst = afterParentKill.filter((r) => r.status === 'FINISHED');
    expect(finishedFirst.length).toBeGreaterThan(0);
    expect(finishedFirst.length).toBeLessThan(6);

    // 2. Rerun, and kill its first worker as soon as it runs: that run ends FAILED, the parent finishes
    //    the others, reports the kill and exits 1.
    const second = start(parallelDir, '--jobs', '2');
    const [victim] = await until(() => (second.child.pid && workersOf(second.child.pid).length > 0 ? workersOf(second.child.pid) : undefined), 'a worker');
    process.kill(victim as number, 'SIGKILL');
    expect(await second.exit, second.stderr()).toBe(1);
    expect(second.stderr()).toMatch(/fsnas: the worker of F2-oneshot-on-splits run \S+ was killed by SIGKILL/);
    const afterWorkerKill = await snapshotExperiment(client, F2);
    const failed = afterWorkerKill.filter((r) => r.status === 'FAILED');
    expect(failed).toHaveLength(1);
    // What had finished before is untouched.
    for (const run of finishedFirst) expect(afterWorkerKill.find((r) => r.name === run.name)).toMatchObject({ runId: run.runId, status: 'FINISHED' });

    // 3. The last rerun completes: finished runs are skipped with their ids, the others resume or start.
    const last = await runFsnasWithEnv(env(parallelDir), ...reproduceArgs, '--jobs', '2');
    expect(last.status, last.stderr).toBe(0);
    const report = JSON.parse(last.stdout) as Report;
    for (const run of f2Runs(report)) {
      const before = afterWorkerKill.find((r) => r.name === `${run.name} [smoke]`);
      if (before?.status === 'FINISHED') expect([run.status, run.run_id], run.name).toEqual(['skipped', before.runId]);
      else expect(run.status, run.name).toBe('finished');
      if (before && before.status !== 'FINISHED') expect([run.resumed, run.run_id], run.name).toEqual([true, before.runId]);
    }
    const final = await snapshotExperiment(client, F2);
    expect(final.map((r) => r.name)).toEqual([...new Set(final.map((r) => r.name))]);
    expect(final.find((r) => r.name === failed[0]!.name)?.runId).toBe(failed[0]!.runId);
    expectSameRuns(final, serial);
  }, SERVER_HOOK_TIMEOUT_MS);
});
