import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killLocalServer, localServerStatus, stopLocalServer } from './local-server';

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
