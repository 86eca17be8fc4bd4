import { cpSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from './client';
import { MlflowRequestError } from './errors';
import { isHealthy, killLocalServer, startLocalServer } from './local-server';
import { TAG_RUN_KEY } from './replay';
import { runKey } from './run-key';
import { syncJournals } from './sync';
import { journalDirFor } from './target';
import { SERVER_HOOK_TIMEOUT_MS, startTestServer, type TestServer } from './test-server';
import { Tracker } from './tracker';
import type { Run } from './types';

// Against a real MLflow server, which the fault tests SIGKILL and restart on the same store and port.
let server: TestServer;
let client: MlflowClient;
let port: number;
const notices: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  client = new MlflowClient(server.url);
  port = Number(new URL(server.url).port);
}, SERVER_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
}, 60_000);

const open = (experiment: string) =>
  Tracker.open({
    experiment,
    trackingUri: server.url,
    dataDir: server.dataDir,
    backoff: { baseMs: 100, maxMs: 500 },
    sendRetry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 100, timeoutMs: 5000 },
    log: (line) => notices.push(line),
  });

async function killServer(): Promise<void> {
  expect(await killLocalServer({ dataDir: server.dataDir })).toBe(true);
  for (let i = 0; i < 100 && (await isHealthy(server.url, 500)); i++) await new Promise((r) => setTimeout(r, 100));
  expect(await isHealthy(server.url)).toBe(false);
}

async function restartServer(): Promise<void> {
  const { url } = await startLocalServer({ dataDir: server.dataDir, port });
  expect(url).toBe(server.url);
}

async function runsWithKey(experiment: string, key: string): Promise<Run[]> {
  const exp = await client.getExperimentByName(experiment);
  if (!exp) return [];
  return client.searchRuns({ experimentIds: [exp.experimentId], filter: `tags.\`${TAG_RUN_KEY}\` = '${key}'` });
}

/** Steps of a metric's history, which must each appear exactly once. */
async function steps(runId: string, key: string): Promise<number[]> {
  return (await client.getMetricHistory(runId, key)).map((m) => m.step).sort((a, b) => a - b);
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('run idempotence', () => {
  it('skips a config that already FINISHED and resumes a FAILED one without duplicating steps', async () => {
    const tracker = await open('idempotence');
    const config = { finding: 'F3', metric: 'snip', seed: 1 };
    const first = await tracker.run(config, async (run) => {
      await run.logMetric('acc', 0.5, 0);
      await run.logMetric('acc', 0.6, 1);
      return 'done';
    });
    expect(first).toMatchObject({ status: 'finished', resumed: false, value: 'done' });
    const second = await tracker.run(config, async () => 'again');
    expect(second).toEqual({ status: 'skipped', runId: first.runId });

    const flaky = { finding: 'F3', metric: 'grad_norm', seed: 1 };
    await expect(
      tracker.run(flaky, async (run) => {
        await run.logMetrics({ loss: 1, acc: 0.1 }, 0);
        await run.logMetrics({ loss: 0.9, acc: 0.2 }, 1);
        throw new Error('out of memory');
      }),
    ).rejects.toThrow('out of memory');
    const [failed] = await runsWithKey('idempotence', runKey(flaky));
    expect(failed?.info.status).toBe('FAILED');

    const resumed = await tracker.run(flaky, async (run) => {
      expect(run.resumed).toBe(true);
      for (let step = 0; step < 4; step++) await run.logMetrics({ loss: 1 - step / 10, acc: 0.1 * (step + 1) }, step);
    });
    expect(resumed).toMatchObject({ status: 'finished', resumed: true, runId: failed?.info.runId });
    const runs = await runsWithKey('idempotence', runKey(flaky));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.info.status).toBe('FINISHED');
    expect(await steps(resumed.runId, 'loss')).toEqual([0, 1, 2, 3]);
    expect(runs[0]?.params).toContainEqual({ key: 'metric', value: 'grad_norm' });
    expect(await tracker.close()).toEqual({ pending: 0 });
  });
});

describe('what MLflow users expect on a run', () => {
  it('sets the standard mlflow.* tags on every run and the experiment description, read back over REST', async () => {
    const tracker = await Tracker.open({
      experiment: 'T-standard-tags',
      trackingUri: server.url,
      dataDir: server.dataDir,
      description: 'squares are non-negative',
      source: { name: 'fsnas reproduce', gitCommit: '0123456789abcdef0123456789abcdef01234567' },
      env: { ...process.env, LOGNAME: 'ada' },
    });
    const result = await tracker.run({ x: 3, leaf: null }, async () => undefined, { name: 'x=3 [smoke]', description: 'x = 3, smoke budget', tags: { budget: 'smoke', leaf: 'none' } });
    await tracker.close();
    const run = await client.getRun(result.runId);
    const tags = Object.fromEntries(run.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({
      'mlflow.runName': 'x=3 [smoke]',
      'mlflow.user': 'ada',
      'mlflow.source.name': 'fsnas reproduce',
      'mlflow.source.type': 'LOCAL',
      'mlflow.source.git.commit': '0123456789abcdef0123456789abcdef01234567',
      'mlflow.note.content': 'x = 3, smoke budget',
      budget: 'smoke',
    });
    expect(run.info.runName).toBe('x=3 [smoke]');
    // One text per setting: a null config value is 'none' as a param, as the tag naming it is.
    expect(run.params.find((p) => p.key === 'leaf')?.value).toBe('none');
    expect(tags['leaf']).toBe('none');
    const experiment = await client.getExperimentByName('T-standard-tags');
    expect(experiment?.tags.find((t) => t.key === 'mlflow.note.content')?.value).toBe('squares are non-negative');
  });

  it('refuses a tag that names a param with another text, before anything is journaled', async () => {
    const tracker = await open('T-tag-param');
    await expect(tracker.run({ leaf: null }, async () => undefined, { tags: { leaf: 'null' } })).rejects.toThrow(/tag 'leaf' is 'null' but param 'leaf' is 'none'/);
    expect(tracker.pendingWrites).toBe(0);
    await tracker.close();
  });
});

describe('fault tolerance against a real server', () => {
  it('server SIGKILLed mid-run: logging continues, queues, and every param, step and artifact arrives exactly once', async () => {
    const tracker = await open('fault');
    const config = { finding: 'F1', metric: 'jacob_cov', seed: 7 };
    const run = await tracker.startRun(config, { tags: { dataset: 'cifar10' } });
    if ('skipped' in run) throw new Error('unexpected skip');
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-artifacts-'));
    writeFileSync(join(dir, 'before.json'), '{"phase":"before"}');
    writeFileSync(join(dir, 'after.csv'), 'step,acc\n1,0.5\n');

    await run.logParams({ 'extra.before': 1 });
    for (const step of range(0, 10)) await run.logMetrics({ loss: 1 / (step + 1), acc: step / 40 }, step);
    await run.logArtifact(join(dir, 'before.json'));
    expect(tracker.pendingWrites).toBe(0);

    await killServer();
    for (const step of range(10, 30)) await run.logMetrics({ loss: 1 / (step + 1), acc: step / 40 }, step);
    await run.logParams({ 'extra.during': 'outage' });
    await run.setTags({ phase: 'outage' });
    await run.logArtifact(join(dir, 'after.csv'), 'tables/after.csv');
    expect(tracker.pendingWrites).toBeGreaterThanOrEqual(23);
    expect(notices.some((n) => n.includes('unavailable'))).toBe(true);

    await restartServer();
    for (const step of range(30, 40)) await run.logMetrics({ loss: 1 / (step + 1), acc: step / 40 }, step);
    await run.end('FINISHED');
    await tracker.flush();
    expect(tracker.pendingWrites).toBe(0);
    expect(await tracker.close()).toEqual({ pending: 0 });

    const runs = await runsWithKey('fault', runKey(config));
    expect(runs).toHaveLength(1);
    const stored = await client.getRun(runs[0]!.info.runId);
    expect(stored.info.status).toBe('FINISHED');
    expect(await steps(stored.info.runId, 'loss')).toEqual(range(0, 40));
    expect(await steps(stored.info.runId, 'acc')).toEqual(range(0, 40));
    expect(stored.params).toEqual(
      expect.arrayContaining([
        { key: 'metric', value: 'jacob_cov' },
        { key: 'extra.before', value: '1' },
        { key: 'extra.during', value: 'outage' },
      ]),
    );
    expect(stored.params).toHaveLength(5);
    expect(stored.tags).toEqual(expect.arrayContaining([{ key: 'phase', value: 'outage' }, { key: 'dataset', value: 'cifar10' }]));
    const files = await client.listArtifactsRecursive(stored.info);
    expect(files.map((f) => f.path).sort()).toEqual(['before.json', 'tables/after.csv']);
    expect(await client.downloadArtifact(stored.info, 'tables/after.csv')).toBe('step,acc\n1,0.5\n');
  });

  it('a whole run logged while the server is down is created by `sync` after restart, exactly once even when replayed twice', async () => {
    await killServer();
    const tracker = await open('offline');
    const config = { finding: 'F2', metric: 'naswot', seed: 3 };
    const result = await tracker.run(config, async (run) => {
      for (const step of range(0, 25)) await run.logMetric('acc', step / 25, step);
      await run.logText('split_tree.json', '{"leaves":8}');
    });
    expect(result.status).toBe('finished');
    expect(result.runId).toMatch(/^local:/);
    const closed = await tracker.close();
    expect(closed.pending).toBeGreaterThan(0);
    expect(existsSync(closed.journal!)).toBe(true);

    // Keep a copy of the journal as it is now, to replay it a second time below (as if acks were lost).
    const journalDir = journalDirFor(server.dataDir, server.url);
    const copy = mkdtempSync(join(tmpdir(), 'fsnas-journal-copy-'));
    cpSync(journalDir, copy, { recursive: true });

    await restartServer();
    const report = await syncJournals(journalDir, client);
    expect(report).toMatchObject({ pending: 0, failed: [] });
    expect(report.unavailable).toBeUndefined();
    expect(report.sent).toBeGreaterThanOrEqual(closed.pending);
    expect(existsSync(closed.journal!)).toBe(false);

    cpSync(copy, journalDir, { recursive: true });
    const again = await syncJournals(journalDir, client);
    expect(again).toMatchObject({ pending: 0, failed: [] });
    expect(readdirSync(journalDir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);

    const runs = await runsWithKey('offline', runKey(config));
    expect(runs).toHaveLength(1);
    expect(runs[0]?.info.status).toBe('FINISHED');
    expect(await steps(runs[0]!.info.runId, 'acc')).toEqual(range(0, 25));
    expect((await client.listArtifacts(runs[0]!.info)).map((f) => f.path)).toEqual(['split_tree.json']);

    const rerun = await open('offline');
    expect(await rerun.run(config, async () => 'never')).toEqual({ status: 'skipped', runId: runs[0]!.info.runId });
    await rerun.close();
  });

  it('an unreachable tracking URI never throws from the run; writes wait in the journal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-unreachable-'));
    const { freePort } = await import('./local-server');
    const url = `http://127.0.0.1:${await freePort()}`;
    const tracker = await Tracker.open({ experiment: 'nowhere', trackingUri: url, dataDir, log: () => undefined, sendRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 1000 } });
    const result = await tracker.run({ a: 1 }, async (run) => {
      await run.logMetric('m', 1, 0);
      await run.logParams({ b: 2 });
    });
    expect(result.status).toBe('finished');
    const closed = await tracker.close();
    // create-run, the config's params, the metric, the extra param, the end of the run.
    expect(closed.pending).toBe(5);
    expect(closed.journal).toContain(join('mlflow', 'journal', 'remote-'));
  });

  it('a write the server refuses (4xx) throws MlflowRequestError at the call site and is kept, reported, not retried', async () => {
    const tracker = await open('refused');
    const run = await tracker.startRun({ refused: 1 });
    if ('skipped' in run) throw new Error('unexpected skip');
    await run.logMetric('acc', 0.5, 0);
    await client.deleteRun(run.runId);
    const error = await run.logMetric('acc', 0.6, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect((error as MlflowRequestError).status).toBeGreaterThanOrEqual(400);
    expect((error as MlflowRequestError).status).toBeLessThan(500);
    expect(tracker.refused).toHaveLength(1);
    expect(tracker.pendingWrites).toBe(0);
    const closed = await tracker.close();
    expect(closed.pending).toBe(0);
    const report = await syncJournals(journalDirFor(server.dataDir, server.url), client);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]).toMatchObject({ kind: 'log-batch' });
    expect(report.sent).toBe(0);
    const dir = journalDirFor(server.dataDir, server.url);
    expect(readdirSync(join(dir, 'refused'))).toHaveLength(1);
    expect((await syncJournals(dir, client)).failed).toEqual([]);
  });

  it('a param changed within a run fails at the call site, before anything is journaled', async () => {
    const tracker = await open('bad-input');
    await expect(
      tracker.run({ c: 1 }, async (run) => {
        await run.logParams({ lr: 0.1 });
        await run.logParams({ lr: 0.2 });
      }),
    ).rejects.toThrow(/already logged as '0.1'/);
    await tracker.close();
  });
});
