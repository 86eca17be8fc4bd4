import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writableDataDir, writeFileAtomic } from '@fsnas/core';
import { LocalServerError } from './errors';
import { acquireLock, processAlive } from './file-lock';
import { sleep } from './http';
import { ensurePythonEnv } from './python-env';

export interface LocalServerOptions {
  /** Data folder holding `mlflow/` (default: the project's writable data folder). */
  readonly dataDir?: string;
  /** Port to use; default: the previous run's port when free, else any free port. */
  readonly port?: number;
  /** How long to wait for /health; the very first start creates the database and is slow. */
  readonly timeoutMs?: number;
}

export interface LocalServerStatus {
  readonly running: boolean;
  /** The server's URL, or the last one it had; null when it never ran. */
  readonly url: string | null;
  readonly pid?: number;
}

interface ServerRecord {
  readonly pid: number | null;
  readonly port: number;
  readonly url: string;
  readonly startedAt: string;
  readonly log: string;
}

export function mlflowDir(dataDir: string = writableDataDir()): string {
  return join(dataDir, 'mlflow');
}

function recordPath(dataDir: string): string {
  return join(mlflowDir(dataDir), 'server.json');
}

function readRecord(dataDir: string): ServerRecord | undefined {
  try {
    return JSON.parse(readFileSync(recordPath(dataDir), 'utf8')) as ServerRecord;
  } catch {
    return undefined;
  }
}

export async function isHealthy(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Whether the recorded pid is still our mlflow server. After a reboot the pid may belong to anything,
 * and signalling its process group would hit an unrelated program; on Linux the command line tells.
 */
async function isOurServer(record: ServerRecord): Promise<boolean> {
  if (record.pid === null || !processAlive(record.pid)) return false;
  const cmdline = `/proc/${record.pid}/cmdline`;
  if (existsSync('/proc/self/cmdline')) {
    try {
      const args = readFileSync(cmdline, 'utf8').split('\0');
      return args.some((a) => a.endsWith('mlflow')) && args.includes('server') && args.includes(String(record.port));
    } catch {
      return false;
    }
  }
  return isHealthy(record.url);
}

export async function localServerStatus(options: { dataDir?: string } = {}): Promise<LocalServerStatus> {
  const record = readRecord(options.dataDir ?? writableDataDir());
  if (!record) return { running: false, url: null };
  const running = (await isOurServer(record)) && (await isHealthy(record.url));
  return running && record.pid !== null ? { running, url: record.url, pid: record.pid } : { running: false, url: record.url };
}

/**
 * Start `mlflow server` on 127.0.0.1 with a sqlite store and proxied artifacts under `<data>/mlflow/`,
 * detached in its own process group so it outlives the command that started it. Returns at once if it
 * already runs. A lock keeps two commands from starting two servers on the same store.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<{ url: string; pid: number; alreadyRunning: boolean }> {
  const dataDir = options.dataDir ?? writableDataDir();
  const dir = mlflowDir(dataDir);
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  const timeoutMs = options.timeoutMs ?? 300_000;
  const release = await acquireLock(join(dir, 'server.lock'), timeoutMs, 'another command starting the MLflow server');
  try {
    const status = await localServerStatus({ dataDir });
    if (status.running && status.url && status.pid !== undefined) return { url: status.url, pid: status.pid, alreadyRunning: true };
    const previous = readRecord(dataDir);
    // A process that is alive but not healthy is a stuck server holding the store: replace it.
    if (previous?.pid && (await isOurServer(previous))) await killGroup(previous.pid, 5000);
    const env = await ensurePythonEnv();
    const port = options.port ?? (previous && (await portFree(previous.port)) ? previous.port : await freePort());
    const url = `http://127.0.0.1:${port}`;
    const log = join(dir, 'server.log');
    const logFd = openSync(log, 'a');
    const args = [
      'server',
      '--host', '127.0.0.1',
      '--port', String(port),
      '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination', join(dir, 'artifacts'),
      '--serve-artifacts',
    ];
    const child = spawn(env.mlflow, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      // Job execution (GenAI evaluation) spawns seven extra worker processes fsnas never uses.
      env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' },
    });
    closeSync(logFd);
    const pid = child.pid;
    if (pid === undefined) throw new LocalServerError(`could not start ${env.mlflow}; see ${log}`);
    let exited: number | null | undefined;
    child.on('exit', (code) => (exited = code));
    child.unref();
    writeFileAtomic(recordPath(dataDir), `${JSON.stringify({ pid, port, url, startedAt: new Date().toISOString(), log } satisfies ServerRecord, null, 1)}\n`);
    const deadline = Date.now() + timeoutMs;
    while (!(await isHealthy(url))) {
      if (exited !== undefined) throw new LocalServerError(`mlflow server exited with code ${exited} before it was healthy: ${logTail(log)} (full log: ${log})`);
      if (Date.now() > deadline) {
        await killGroup(pid, 5000);
        throw new LocalServerError(`mlflow server did not answer ${url}/health within ${timeoutMs / 1000}s; see ${log}`);
      }
      await sleep(250);
    }
    return { url, pid, alreadyRunning: false };
  } finally {
    release();
  }
}

/** Stop the local server (SIGTERM to its process group, SIGKILL after a grace period). */
export async function stopLocalServer(options: { dataDir?: string; graceMs?: number } = {}): Promise<{ stopped: boolean }> {
  const dataDir = options.dataDir ?? writableDataDir();
  const record = readRecord(dataDir);
  if (!record?.pid || !(await isOurServer(record))) return { stopped: false };
  await killGroup(record.pid, options.graceMs ?? 10_000);
  writeFileAtomic(recordPath(dataDir), `${JSON.stringify({ ...record, pid: null } satisfies ServerRecord, null, 1)}\n`);
  return { stopped: true };
}

/** Kill a server abruptly (SIGKILL to the whole group), as a crash would: for fault tests. */
export async function killLocalServer(options: { dataDir?: string } = {}): Promise<boolean> {
  const record = readRecord(options.dataDir ?? writableDataDir());
  if (!record?.pid || !(await isOurServer(record))) return false;
  signalGroup(record.pid, 'SIGKILL');
  return true;
}

async function killGroup(pid: number, graceMs: number): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (processAlive(pid) && Date.now() < deadline) await sleep(100);
  if (processAlive(pid)) signalGroup(pid, 'SIGKILL');
  while (processAlive(pid) && Date.now() < deadline + 5000) await sleep(100);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // The server was started detached, so its pid is its process group: this reaches the uvicorn worker too.
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

function logTail(log: string): string {
  if (!existsSync(log)) return '';
  return readFileSync(log, 'utf8').trim().split('\n').slice(-5).join(' | ');
}
