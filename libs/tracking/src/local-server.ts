import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { writableDataDir, writeFileAtomic } from '@fsnas/core';
import { LocalServerError } from './errors';
import { acquireLock } from './file-lock';
import { sleep } from './http';
import { ensurePythonEnv } from './python-env';

export interface LocalServerOptions {
  /** Data folder holding `mlflow/` (default: the project's writable data folder). */
  readonly dataDir?: string;
  /** Port to use, recorded for later starts; default: the recorded port, else (first start) a free one. */
  readonly port?: number;
  /** How long to wait for /health; the very first start creates the database and is slow. */
  readonly timeoutMs?: number;
  /**
   * Address to listen on, recorded for later starts: 127.0.0.1 (default, this machine only), or
   * 0.0.0.0 on a cluster's login node, so array tasks on other nodes reach it.
   */
  readonly host?: string;
}

export interface LocalServerStatus {
  readonly running: boolean;
  /** The server's URL, or the last one it had; null when it never ran. */
  readonly url: string | null;
  /** A live process of the server (the `mlflow server` parent, else its uvicorn worker). */
  readonly pid?: number;
  /** Its process group, which `down` signals: the pid the parent was started with. */
  readonly pgid?: number;
}

interface ServerRecord {
  /** The `mlflow server` parent's pid, which is also its process group id (it was started detached). */
  readonly pid: number | null;
  /** Chosen once, on the first start, and reused by every later start (`up --port` moves it). */
  readonly port: number;
  readonly url: string;
  readonly startedAt: string;
  readonly log: string;
  /** The listening address, when not 127.0.0.1 (absent in records written before it could change). */
  readonly host?: string;
}

const LOOPBACK_HOST = '127.0.0.1';

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

function writeRecord(dataDir: string, record: ServerRecord): void {
  writeFileAtomic(recordPath(dataDir), `${JSON.stringify(record, null, 1)}\n`);
}

export async function isHealthy(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok;
  } catch {
    return false;
  }
}

const HAS_PROC = existsSync('/proc/self/stat');

/**
 * Live (not zombie) processes of a process group. `mlflow server` runs the HTTP server in a uvicorn
 * child of the same group: killing the parent alone leaves the child serving, so the group, not the
 * parent's pid, is what a server is. Without /proc, a non-empty group is reported as its leader.
 */
export function groupMembers(pgid: number): number[] {
  if (!HAS_PROC) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? [pgid] : [];
    }
  }
  const members: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(name));
  }
  return members.sort((a, b) => (a === pgid ? -1 : b === pgid ? 1 : a - b));
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * The live processes of the recorded server: its group's members that are `mlflow server` or its
 * uvicorn worker on the recorded port. After a reboot the pid may belong to anything, and signalling
 * its group would hit an unrelated program; on Linux the command lines tell, elsewhere the health check.
 */
async function serverProcesses(record: ServerRecord): Promise<number[]> {
  if (record.pid === null) return [];
  const members = groupMembers(record.pid);
  if (!HAS_PROC) return members.length > 0 && (await isHealthy(record.url)) ? members : [];
  const port = String(record.port);
  const ours = (args: string[]) =>
    args.includes(port) && ((args.some((a) => a.endsWith('mlflow')) && args.includes('server')) || (args.includes('uvicorn') && args.some((a) => a.startsWith('mlflow.server'))));
  return members.some((pid) => ours(cmdline(pid))) ? members : [];
}

export async function localServerStatus(options: { dataDir?: string } = {}): Promise<LocalServerStatus> {
  const record = readRecord(options.dataDir ?? writableDataDir());
  if (!record) return { running: false, url: null };
  const processes = await serverProcesses(record);
  if (record.pid === null || processes.length === 0 || !(await isHealthy(record.url))) return { running: false, url: record.url };
  return { running: true, url: record.url, pid: processes[0] as number, pgid: record.pid };
}

/**
 * Start `mlflow server` on 127.0.0.1 with a sqlite store and proxied artifacts under `<data>/mlflow/`,
 * detached in its own process group so it outlives the command that started it. A server of this
 * store that still runs (even one whose parent was killed, leaving uvicorn serving) is adopted, never
 * doubled. The port is chosen once, recorded in `<data>/mlflow/server.json` and reused, so the UI URL
 * stays the same; `port` moves it. A lock keeps two commands from starting two servers on the same store.
 */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<{ url: string; pid: number; alreadyRunning: boolean }> {
  const dataDir = options.dataDir ?? writableDataDir();
  const dir = mlflowDir(dataDir);
  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  const timeoutMs = options.timeoutMs ?? 300_000;
  const release = await acquireLock(join(dir, 'server.lock'), timeoutMs, 'another command starting the MLflow server');
  try {
    const previous = readRecord(dataDir);
    const status = await localServerStatus({ dataDir });
    const host = options.host ?? previous?.host ?? LOOPBACK_HOST;
    if (status.running && status.url && status.pid !== undefined && (options.port === undefined || options.port === previous?.port) && host === (previous?.host ?? LOOPBACK_HOST)) {
      return { url: status.url, pid: status.pid, alreadyRunning: true };
    }
    // Alive but not healthy (stuck), or asked to move to another port: stop the whole group first.
    if (previous?.pid && (await serverProcesses(previous)).length > 0) await killGroup(previous.pid, 5000);
    const port = options.port ?? previous?.port ?? (await freePort());
    if (!(await portFree(port))) {
      const other = (await isHealthy(`http://127.0.0.1:${port}`)) ? 'an MLflow server that is not the one recorded for this store' : 'another program';
      throw new LocalServerError(
        `port ${port} (recorded in ${recordPath(dataDir)}) is taken by ${other}; stop it, or move this store's server to another port for good with: npx fsnas mlflow up --port <n>`,
      );
    }
    const env = await ensurePythonEnv();
    const url = `http://127.0.0.1:${port}`;
    const log = join(dir, 'server.log');
    const logFd = openSync(log, 'a');
    const args = [
      'server',
      '--host', host,
      '--port', String(port),
      '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination', join(dir, 'artifacts'),
      '--serve-artifacts',
    ];
    const child = spawn(env.mlflow, args, {
      cwd: dir,
      // Its own process group (pgid = its pid), which stop and kill signal as a whole.
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
    writeRecord(dataDir, { pid, port, url, startedAt: new Date().toISOString(), log, ...(host !== LOOPBACK_HOST ? { host } : {}) });
    const deadline = Date.now() + timeoutMs;
    while (!(await isHealthy(url))) {
      if (exited !== undefined) {
        await killGroup(pid, 5000);
        throw new LocalServerError(`mlflow server exited with code ${exited} before it was healthy: ${logTail(log)} (full log: ${log})`);
      }
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

/**
 * Stop the local server: SIGTERM to its whole process group (the parent and uvicorn, even when the
 * parent is already gone), SIGKILL after a grace period, then wait until its port is free.
 */
export async function stopLocalServer(options: { dataDir?: string; graceMs?: number } = {}): Promise<{ stopped: boolean }> {
  const dataDir = options.dataDir ?? writableDataDir();
  const record = readRecord(dataDir);
  if (!record?.pid || (await serverProcesses(record)).length === 0) return { stopped: false };
  await killGroup(record.pid, options.graceMs ?? 10_000);
  const deadline = Date.now() + 5000;
  while (!(await portFree(record.port)) && Date.now() < deadline) await sleep(100);
  writeRecord(dataDir, { ...record, pid: null });
  return { stopped: true };
}

/** Kill a server abruptly (SIGKILL to the whole group), as a crash would: for fault tests. */
export async function killLocalServer(options: { dataDir?: string } = {}): Promise<boolean> {
  const record = readRecord(options.dataDir ?? writableDataDir());
  if (!record?.pid || (await serverProcesses(record)).length === 0) return false;
  signalGroup(record.pid, 'SIGKILL');
  return true;
}

async function killGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(100);
  if (groupMembers(pgid).length > 0) signalGroup(pgid, 'SIGKILL');
  while (groupMembers(pgid).length > 0 && Date.now() < deadline + 5000) await sleep(100);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // The server was started detached, so its pid is its process group: this reaches the uvicorn worker too.
    process.kill(-pgid, signal);
  } catch {
    // The group is gone.
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

export function portFree(port: number): Promise<boolean> {
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
