import { InvalidInputError } from '@fsnas/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowClient } from './client';
import { InvalidTrackingUriError, MlflowRequestError, MlflowUnavailableError } from './errors';
import { freePort, localServerStatus, startLocalServer } from './local-server';
import { SERVER_HOOK_TIMEOUT_MS, startTestServer, type TestServer } from './test-server';

// Against a real MLflow server: nothing here is mocked.
let server: TestServer;
let client: MlflowClient;

beforeAll(async () => {
  server = await startTestServer();
  client = new MlflowClient(server.url);
}, SERVER_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
}, 60_000);

describe('local server lifecycle', () => {
  it('reports the running server, and a second start reuses it', async () => {
    const status = await localServerStatus({ dataDir: server.dataDir });
    expect(status).toMatchObject({ running: true, url: server.url });
    const again = await startLocalServer({ dataDir: server.dataDir });
    expect(again).toMatchObject({ url: server.url, alreadyRunning: true });
  });
});

describe('experiments and runs', () => {
  it('creates an experiment once and finds it by name', async () => {
    expect(await client.getExperimentByName('exp-a')).toBeUndefined();
    const id = await client.ensureExperiment('exp-a');
    expect(await client.ensureExperiment('exp-a')).toBe(id);
    expect(await client.getExperimentByName('exp-a')).toMatchObject({ experimentId: id, name: 'exp-a', lifecycleStage: 'active' });
  });

  it('creates, gets, updates and searches runs', async () => {
    const experimentId = await client.ensureExperiment('exp-runs');
    const run = await client.createRun({ experimentId, runName: 'r1', startTime: 1_700_000_000_000, tags: [{ key: 'finding', value: 'F3' }] });
    expect(run.info).toMatchObject({ experimentId, runName: 'r1', status: 'RUNNING', startTime: 1_700_000_000_000 });
    expect(run.info.artifactUri).toMatch(/^mlflow-artifacts:/);
    const updated = await client.updateRun(run.info.runId, { status: 'FINISHED', endTime: 1_700_000_001_000 });
    expect(updated.status).toBe('FINISHED');
    const fetched = await client.getRun(run.info.runId);
    expect(fetched.info).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_001_000 });
    expect(fetched.tags).toContainEqual({ key: 'finding', value: 'F3' });
    await client.createRun({ experimentId, startTime: Date.now(), tags: [{ key: 'finding', value: 'F4' }] });
    const found = await client.searchRuns({ experimentIds: [experimentId], filter: "tags.finding = 'F3'" });
    expect(found.map((r) => r.info.runId)).toEqual([run.info.runId]);
    expect(await client.searchRuns({ experimentIds: [experimentId] })).toHaveLength(2);
  });
});

describe('log-batch', () => {
  it('splits 2500 metrics, 250 params and 150 tags into accepted requests; all arrive once', async () => {
    const experimentId = await client.ensureExperiment('exp-batch');
    const { info } = await client.createRun({ experimentId, startTime: Date.now() });
    const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 5}`, value: i / 10, timestamp: 1000 + i, step: Math.floor(i / 5) }));
    const params = Array.from({ length: 250 }, (_, i) => ({ key: `p${i}`, value: `v${i}` }));
    const tags = Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: `w${i}` }));
    const requests = await client.logBatch(info.runId, { metrics, params, tags });
    expect(requests).toBeGreaterThanOrEqual(3);
    const run = await client.getRun(info.runId);
    expect(run.params).toHaveLength(250);
    expect(run.tags.filter((t) => t.key.startsWith('t'))).toHaveLength(150);
    for (let k = 0; k < 5; k++) {
      const history = await client.getMetricHistory(info.runId, `m${k}`);
      expect(history).toHaveLength(500);
      expect(new Set(history.map((m) => m.step)).size).toBe(500);
    }
  });

  it('round-trips NaN and keeps a resent identical metric row once', async () => {
    const experimentId = await client.ensureExperiment('exp-batch');
    const { info } = await client.createRun({ experimentId, startTime: Date.now() });
    const batch = { metrics: [{ key: 'loss', value: NaN, timestamp: 5, step: 0 }, { key: 'loss', value: 0.25, timestamp: 6, step: 1 }] };
    await client.logBatch(info.runId, batch);
    await client.logBatch(info.runId, batch);
    const history = await client.getMetricHistory(info.runId, 'loss');
    expect(history.map((m) => m.value)).toEqual([NaN, 0.25]);
  });

  it('a param overwrite with a different value is a 4xx MlflowRequestError', async () => {
    const experimentId = await client.ensureExperiment('exp-batch');
    const { info } = await client.createRun({ experimentId, startTime: Date.now() });
    await client.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
    await client.logBatch(info.runId, { params: [{ key: 'lr', value: '0.1' }] });
    const error = await client.logBatch(info.runId, { params: [{ key: 'lr', value: '0.2' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect(error).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
  });

  it('an unknown run id is a 4xx MlflowRequestError', async () => {
    const error = await client.getRun('0123456789abcdef0123456789abcdef').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowRequestError);
    expect((error as MlflowRequestError).status).toBeGreaterThanOrEqual(400);
    expect((error as MlflowRequestError).status).toBeLessThan(500);
    expect((error as MlflowRequestError).errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('refuses an oversize param value before sending anything', async () => {
    const experimentId = await client.ensureExperiment('exp-batch');
    const { info } = await client.createRun({ experimentId, startTime: Date.now() });
    await expect(client.logBatch(info.runId, { params: [{ key: 'big', value: 'x'.repeat(7000) }] })).rejects.toThrow(InvalidInputError);
    expect((await client.getRun(info.runId)).params).toEqual([]);
  });
});

describe('artifacts through the mlflow-artifacts proxy', () => {
  it('uploads files (nested too) and lists them', async () => {
    const experimentId = await client.ensureExperiment('exp-artifacts');
    const { info } = await client.createRun({ experimentId, startTime: Date.now() });
    await client.uploadArtifact(info, 'split_tree.json', Buffer.from('{"root":1}'));
    await client.uploadArtifact(info, 'tables/acc table.csv', Buffer.from('a,b\n1,2\n'));
    const top = await client.listArtifacts(info);
    expect(top).toEqual(
      expect.arrayContaining([
        { path: 'split_tree.json', isDir: false, fileSize: 10 },
        { path: 'tables', isDir: true },
      ]),
    );
    expect(await client.listArtifactsRecursive(info)).toHaveLength(2);
    expect(await client.downloadArtifact(info, 'tables/acc table.csv')).toBe('a,b\n1,2\n');
    await expect(client.uploadArtifact(info, '../escape.txt', Buffer.from('x'))).rejects.toThrow(InvalidInputError);
  });
});

describe('bad targets', () => {
  it('an unreachable server is MlflowUnavailableError after the retries', async () => {
    const port = await freePort();
    const offline = new MlflowClient(`http://127.0.0.1:${port}`, { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 2000 });
    const error = await offline.getExperimentByName('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlflowUnavailableError);
    expect((error as Error).message).toMatch(/ECONNREFUSED.*2 attempts/);
  });

  it('a malformed URI is InvalidTrackingUriError', () => {
    expect(() => new MlflowClient('127.0.0.1:5000')).toThrow(InvalidTrackingUriError);
    expect(() => new MlflowClient('ftp://host/x')).toThrow(InvalidTrackingUriError);
  });

  it('a server that answers 5xx is MlflowUnavailableError, not a request error', async () => {
    // MLflow answers 5xx when its store fails; a plain HTTP server stands in for that failure here.
    const { createServer } = await import('node:http');
    const broken = createServer((_req, res) => {
      res.writeHead(503, { 'Content-Type': 'application/json' });
      res.end('{"error_code":"TEMPORARILY_UNAVAILABLE","message":"db locked"}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', () => r()));
    const address = broken.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const c = new MlflowClient(`http://127.0.0.1:${port}`, { attempts: 3, baseDelayMs: 5, maxDelayMs: 10, timeoutMs: 2000 });
      await expect(c.getExperimentByName('x')).rejects.toThrow(MlflowUnavailableError);
    } finally {
      broken.close();
    }
  });

  it('sends MLFLOW_TRACKING_TOKEN as a bearer token and keeps it out of error messages', async () => {
    const { createServer } = await import('node:http');
    const seen: (string | undefined)[] = [];
    const guarded = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error_code":"UNAUTHENTICATED","message":"bad credentials"}');
    });
    await new Promise<void>((r) => guarded.listen(0, '127.0.0.1', () => r()));
    const address = guarded.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { targetFromUri } = await import('./tracking-uri');
      const c = new MlflowClient(targetFromUri(`http://127.0.0.1:${port}`, { MLFLOW_TRACKING_TOKEN: 's3cret-token' }));
      const error = await c.getExperimentByName('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MlflowRequestError);
      expect(error).toMatchObject({ status: 401, errorCode: 'UNAUTHENTICATED' });
      expect(String((error as Error).message)).not.toContain('s3cret');
      expect(seen).toEqual(['Bearer s3cret-token']);
    } finally {
      guarded.close();
    }
  });
});
