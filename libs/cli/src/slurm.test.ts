import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@fsnas/core';
import { queuedTasks, slurm } from '@fsnas/experiments';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, TAG_RUN_KEY, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFsnasWithEnv } from './testing';

// The cluster path against a real Slurm: Debian's slurm-wlm as a one-node cluster on this machine
// (tools/slurm/local-cluster.sh), brought up here when it is not up already. Where it cannot start
// (not root, Slurm not installed) the tests are skipped with the script's reason printed.
const CLUSTER = join(workspaceRoot(), 'tools', 'slurm', 'local-cluster.sh');
const wasUp = spawnSync('bash', [CLUSTER, 'status'], { encoding: 'utf8' }).status === 0;
const bringUp = wasUp ? { status: 0, stderr: '' } : spawnSync('bash', [CLUSTER, 'up'], { encoding: 'utf8' });
const conf = spawnSync('bash', [CLUSTER, 'env'], { encoding: 'utf8' }).stdout.trim().replace(/^export SLURM_CONF=/, '');
if (bringUp.status !== 0) process.stdout.write(`slurm tests skipped: the local cluster did not start: ${bringUp.stderr.trim()}\n`);
process.env['SLURM_CONF'] = conf;

let server: TestServer;
let shared: string;
let dataDir: string;
beforeAll(async () => {
  if (bringUp.status !== 0) return;
  server = await startTestServer('fsnas-slurm-test-');
  shared = mkdtempSync(join(tmpdir(), 'fsnas-slurm-shared-'));
  dataDir = mkdtempSync(join(tmpdir(), 'fsnas-slurm-data-'));
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => {
  await server?.stop();
  for (const dir of [shared, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  if (!wasUp && bringUp.status === 0) spawnSync('bash', [CLUSTER, 'down']);
}, 60_000);

const submit = (...args: string[]) =>
  runFsnasWithEnv({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: server.url, SLURM_CONF: conf }, 'reproduce', '--budget', 'smoke', '--executor', 'slurm', '--shared-dir', shared, '--cpus-per-task', '1', '--json', ...args);

interface Report {
  submitted: number;
  skipped: number;
  queued: number;
  jobs: string[];
  arrays: { finding: string; job: string; runs: number[]; after: string[] }[];
}

async function drained(jobs: readonly string[], timeoutMs = 240_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (queuedTasks(jobs).length > 0) {
    if (Date.now() > end) throw new Error(`jobs ${jobs.join(', ')} still queued after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Every run of an experiment, by run key: each planned run must be there exactly once. */
async function runsByKey(experiment: string) {
  const client = new MlflowClient(server.url);
  const found = await client.getExperimentByName(experiment);
  const runs = found ? await client.searchRuns({ experimentIds: [found.experimentId] }) : [];
  const byKey = new Map<string, typeof runs>();
  for (const run of runs) {
    const key = run.tags.find((t) => t.key === TAG_RUN_KEY)?.value as string;
    byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  return byKey;
}

describe.skipIf(bringUp.status !== 0)('reproduce --executor slurm on a local one-node cluster', () => {
  it('resumes a task cancelled mid-run (scancel) when --resubmit-failed submits what is not FINISHED, with no duplicate run', async () => {
    const first = await submit('--finding', 'F2a');
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as Report;
    expect(report.submitted).toBe(2);
    const job = report.jobs[0] as string;
    // Cancel task 0 once its search has checkpointed an epoch (searches checkpoint every epoch).
    const checkpoints = join(shared, 'checkpoints', 'f2a-collapse');
    const end = Date.now() + 120_000;
    while (!(existsSync(checkpoints) && readdirSync(checkpoints).some((f) => f.includes('-full-') && f.endsWith('.ckpt')))) {
      if (Date.now() > end) throw new Error('task 0 never checkpointed');
      await new Promise((r) => setTimeout(r, 200));
    }
    slurm('scancel', [`${job}_0`]);
    await drained([job]);
    const cut = await runsByKey('F2a-collapse');
    const interrupted = [...cut.values()].flat().filter((r) => r.info.status !== 'FINISHED');
    expect(interrupted).toHaveLength(1);

    const resubmitted = await submit('--finding', 'F2a', '--status', '--resubmit-failed');
    expect(resubmitted.status, resubmitted.stderr).toBe(0);
    const second = JSON.parse(resubmitted.stdout) as Report;
    expect(second).toMatchObject({ submitted: 1, skipped: 1 });
    await drained(second.jobs);
    const after = await runsByKey('F2a-collapse');
    expect(after.size).toBe(2);
    for (const runs of after.values()) expect(runs.map((r) => r.info.status)).toEqual(['FINISHED']);
    // The same MLflow run, resumed: not a second one.
    expect([...after.values()].flat().map((r) => r.info.runId)).toContain(interrupted[0]?.info.runId);
    const log = readFileSync(join(shared, 'slurm', 'logs', `fsnas-F2a-collapse-smoke-${second.jobs[0]}_0.out`), 'utf8');
    expect(log).toMatch(/resumed and finished/);
  }, 300_000);
  // After the fault test: F2a's two runs are FINISHED, and the grid's submission skips them.
  it('runs the whole smoke grid as job arrays, one per finding, the ones reading our splits after the splits array: every planned run exactly once, and a second submission submits nothing', async () => {
    const env = { FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: server.url, SLURM_CONF: conf };
    const first = await submit();
    expect(first.status, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as Report;
    const started = Date.now();
    const splits = report.arrays.find((a) => a.finding === 'splits');
    expect(report.arrays.map((a) => a.finding)).toEqual(['splits', 'F1-split-diversity', 'F3-distribution', 'F4-selection', 'F2-oneshot-on-splits']);
    for (const array of report.arrays) expect(array.after, array.finding).toEqual(array.finding === 'splits' ? [] : [splits?.job]);
    expect(report).toMatchObject({ skipped: 2, queued: 0 });
    // While the splits array runs, F3's tasks wait in the queue: the status joins MLflow with squeue.
    const status = await runFsnasWithEnv(env, 'reproduce', '--budget', 'smoke', '--finding', 'F3', '--status', '--executor', 'slurm', '--shared-dir', shared, '--json');
    expect(status.status, status.stderr).toBe(0);
    const f3 = (JSON.parse(status.stdout) as { findings: { finding: string; finished: number; slurm: { pending: number; running: number } }[] }).findings.find((f) => f.finding === 'F3-distribution');
    expect(f3?.finished).toBe(0);
    expect((f3?.slurm.pending ?? 0) + (f3?.slurm.running ?? 0)).toBe(6);
    await drained(report.jobs);
    process.stdout.write(`slurm smoke grid: ${report.submitted} tasks in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    // Every planned run of every finding, by the run keys `fsnas run --list` gives: there once, FINISHED.
    let planned = 0;
    for (const finding of ['splits', 'F1-split-diversity', 'F3-distribution', 'F4-selection', 'F2a-collapse', 'F2-oneshot-on-splits']) {
      const listed = await runFsnasWithEnv(env, 'run', finding, '--budget', 'smoke', '--list', '--json');
      const keys = (JSON.parse(listed.stdout) as { runs: { key: string }[] }).runs.map((r) => r.key);
      planned += keys.length;
      const byKey = await runsByKey(finding);
      expect([...byKey.keys()].sort(), finding).toEqual([...keys].sort());
      for (const runs of byKey.values()) expect(runs.map((r) => r.info.status)).toEqual(['FINISHED']);
    }
    expect(report.submitted + report.skipped).toBe(planned);
    const script = readFileSync(readdirSync(join(shared, 'slurm', 'scripts')).map((f) => join(shared, 'slurm', 'scripts', f)).find((f) => f.includes('F3-distribution')) as string, 'utf8');
    expect(script).toContain('#SBATCH --array=0-5');
    expect(script).toContain('--run "${RUNS[$SLURM_ARRAY_TASK_ID]}"');

    const again = await submit();
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ submitted: 0, skipped: planned, queued: 0, jobs: [] });
  }, 600_000);
});
