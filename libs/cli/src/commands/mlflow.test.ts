import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_HOOK_TIMEOUT_MS } from '@fsnas/tracking';
import { afterAll, describe, expect, it } from 'vitest';
import { liveProcesses, runFsnasWithEnv } from '../testing';

const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-cli-mlflow-'));
const env = { FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: undefined };
const fsnas = async (...args: string[]) => {
  const result = await runFsnasWithEnv(env, ...args);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
};

/** Live processes of a process group (zombies excluded). */
function groupMembers(pgid: number): number[] {
  return liveProcesses()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);
}

/** `mlflow server` parents serving this store (its sqlite path is on their command line). */
function serversOfStore(): number[] {
  return liveProcesses()
    .filter((p) => p.cmdline.includes(`sqlite:///${join(dataDir, 'mlflow', 'mlflow.db')}`))
    .map((p) => p.pid);
}

const portFree = (port: number) =>
  new Promise<boolean>((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });

afterAll(async () => {
  await runFsnasWithEnv(env, 'mlflow', 'down');
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('fsnas mlflow up|status|down', () => {
  it('keeps tracking a server whose parent was SIGKILLed (uvicorn still serving): status sees it, up adopts it, down stops the whole group', async () => {
    const up = await fsnas('mlflow', 'up', '--json');
    const url = up['url'] as string;
    const pid = up['pid'] as number;
    expect(up['already_running']).toBe(false);
    expect(await fsnas('mlflow', 'status', '--json')).toMatchObject({ running: true, url, pid });
    const group = groupMembers(pid);
    expect(group.length).toBeGreaterThanOrEqual(2); // mlflow server + its uvicorn worker

    // Kill the parent only, as `kill -9 <pid>` of the recorded pid would.
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && groupMembers(pid).includes(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(groupMembers(pid)).not.toContain(pid);
    expect((await fetch(`${url}/health`)).ok).toBe(true); // uvicorn still serves the store

    const status = await fsnas('mlflow', 'status', '--json');
    expect(status).toMatchObject({ running: true, url, pgid: pid });
    expect(group).toContain(status['pid']);

    const again = await fsnas('mlflow', 'up', '--json');
    expect(again).toMatchObject({ running: true, url, already_running: true });
    expect(serversOfStore()).toEqual([]); // no second `mlflow server` on the same sqlite store

    expect(await fsnas('mlflow', 'down', '--json')).toEqual({ stopped: true });
    expect(groupMembers(pid)).toEqual([]);
    expect(await portFree(Number(new URL(url).port))).toBe(true);
    expect(await fsnas('mlflow', 'status', '--json')).toEqual({ running: false, url });
  }, SERVER_HOOK_TIMEOUT_MS);
});
