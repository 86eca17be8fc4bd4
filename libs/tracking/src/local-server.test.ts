import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { LocalServerError } from './errors';
import { killLocalServer, localServerStatus, startLocalServer, stopLocalServer } from './local-server';
import { SERVER_HOOK_TIMEOUT_MS } from './test-server';

describe('local server record', () => {
  it('reports not running, with no URL, when the server never ran', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-noserver-'));
    expect(await localServerStatus({ dataDir })).toEqual({ running: false, url: null });
    expect(await stopLocalServer({ dataDir })).toEqual({ stopped: false });
  });

  it('never signals a process that reused the recorded pid', async () => {
    // The record names this test process (alive, but not mlflow): stopping must leave it alone.
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-pidreuse-'));
    mkdirSync(join(dataDir, 'mlflow'));
    const record = { pid: process.pid, port: 1, url: 'http://127.0.0.1:1', startedAt: '', log: '' };
    writeFileSync(join(dataDir, 'mlflow', 'server.json'), JSON.stringify(record));
    expect(await localServerStatus({ dataDir })).toEqual({ running: false, url: 'http://127.0.0.1:1' });
    expect(await stopLocalServer({ dataDir })).toEqual({ stopped: false });
    expect(await killLocalServer({ dataDir })).toBe(false);
  });
});

describe('local server port', () => {
  it('is chosen once and kept: a restart serves the same URL, and a recorded port taken by another program is an error naming the fix, not a silent move', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-port-'));
    const first = await startLocalServer({ dataDir });
    try {
      await stopLocalServer({ dataDir, graceMs: 5000 });
      const second = await startLocalServer({ dataDir });
      expect(second.url).toBe(first.url);
      await stopLocalServer({ dataDir, graceMs: 5000 });
      // Another program on the port: it accepts connections and drops them.
      const squatter = createServer((socket) => socket.destroy());
      await new Promise<void>((r) => squatter.listen(Number(new URL(first.url).port), '127.0.0.1', r));
      try {
        const refused = startLocalServer({ dataDir });
        await expect(refused).rejects.toThrow(LocalServerError);
        await expect(refused).rejects.toThrow(/is taken by another program.*npx fsnas mlflow up --port <n>/);
      } finally {
        await new Promise((r) => squatter.close(r));
      }
      expect((await localServerStatus({ dataDir })).running).toBe(false);
    } finally {
      await stopLocalServer({ dataDir, graceMs: 5000 });
    }
  }, SERVER_HOOK_TIMEOUT_MS);
});
