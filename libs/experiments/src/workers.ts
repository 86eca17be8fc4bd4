import { spawn } from 'node:child_process';
import os from 'node:os';
import { FsnasError } from '@fsnas/core';

/**
 * The one worker pool of fsnas: independent pieces of work (F2 searches, metric splits, NASLib score
 * shares) run in child processes, at most `jobs` at once, each told how many compute threads it may
 * use (`FSNAS_THREADS`, which the backend turns into wasm/TensorFlow thread counts), so that
 * jobs × threads never exceeds the cores. `reproduce`, `split` and `validate` all go through here
 * (docs/decisions/0012-parallel-workers.md).
 */

/** What the pool is sized from: cores this process may use and memory still available. */
export interface Machine {
  readonly cores: number;
  /** Bytes of memory available now (os.freemem(): MemAvailable on Linux). */
  readonly freeBytes: number;
}

export const currentMachine = (): Machine => ({ cores: os.availableParallelism(), freeBytes: os.freemem() });

/**
 * Peak resident memory of one worker, measured on this machine with tfjs-node (/usr/bin/time -f %M):
 * a reference-mode split 1.3–1.5 GB, a laptop F2 search 0.9–1.1 GB. Rounded up, so the default never swaps.
 */
export const WORKER_MEMORY_BYTES = 2 * 1024 ** 3;
/** Kept free for the parent process (it holds the MLflow journal and the results) and the system. */
export const PARENT_RESERVE_BYTES = 1024 ** 3;

export interface WorkerPlan {
  /** Worker processes at once. */
  readonly jobs: number;
  /** Compute threads of each worker: jobs × threads ≤ cores. */
  readonly threads: number;
}

/**
 * Default worker count: one per core, as many as the available memory holds (at least one), so the
 * default fills the cores with workers of one thread each: on this 2-core machine, quiet, 2 workers
 * × 1 thread did four laptop F2 searches in 52.7 s against 120.5 s for 1 worker × 2 threads; under
 * other sessions' load the mixes tie (docs/decisions/0012-parallel-workers.md).
 */
export function defaultJobs(machine: Machine, perWorkerBytes: number = WORKER_MEMORY_BYTES): number {
  const byMemory = Math.floor((machine.freeBytes - PARENT_RESERVE_BYTES) / perWorkerBytes);
  return Math.max(1, Math.min(machine.cores, byMemory));
}

/**
 * Workers and threads for `requested` jobs (undefined: the default), never more jobs than there are
 * tasks. More jobs than cores are cut to the cores: workers × threads must not oversubscribe them.
 */
export function planWorkers(requested: number | undefined, tasks: number, machine: Machine = currentMachine(), perWorkerBytes: number = WORKER_MEMORY_BYTES): WorkerPlan {
  const cores = Math.max(1, machine.cores);
  const wanted = requested ?? defaultJobs(machine, perWorkerBytes);
  const jobs = Math.max(1, Math.min(wanted, cores, Math.max(1, tasks)));
  return { jobs, threads: Math.max(1, Math.floor(cores / jobs)) };
}

/** Run `task` on every item with at most `jobs` running at once; the first failure is thrown after the others end. */
export async function inParallel<T>(items: readonly T[], jobs: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item).catch((e: unknown) => void errors.push(e));
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  if (errors.length) throw errors[0];
}

/** Set by the pool in each worker's environment: the parent's pid (a worker's own children do not inherit the role). */
const POOL_PARENT_ENV = 'FSNAS_POOL_PARENT';

export interface WorkerOptions {
  /** Compute threads of the child: its FSNAS_THREADS. */
  readonly threads: number;
  /** Names the work in the error message ("the snip split", "F2 run darts/full"). */
  readonly label: string;
  /** Where the work's partial state is kept, for the message of a failure (rerun to resume). */
  readonly keeps?: string;
  /** Each chunk of the child's stderr (default: copied to this process's stderr). */
  readonly onStderr?: (chunk: Buffer) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * One worker: `node <args>` (args[0] is the script, e.g. the fsnas bin) with FSNAS_THREADS set.
 * Resolves with its stdout; a non-zero exit or a signal rejects with a one-line FsnasError.
 */
export function runWorker(args: readonly string[], options: WorkerOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    // The IPC channel carries no messages: it closes when this process dies, however it dies (even
    // SIGKILL), which is how the child knows to stop (exitWithParent).
    const env = { ...(options.env ?? process.env), FSNAS_THREADS: String(options.threads), [POOL_PARENT_ENV]: String(process.pid) };
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const out: Buffer[] = [];
    let lastLine = '';
    // Piped, so present; the typings of a 4-entry stdio cannot say so.
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString().trim();
      if (text) lastLine = text.split('\n').pop() ?? lastLine;
      (options.onStderr ?? ((c: Buffer) => process.stderr.write(c)))(chunk);
    });
    child.on('error', (error) => reject(new FsnasError('WORKER_FAILED', `${options.label} could not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString());
      const how = signal ? `was killed by ${signal}` : `failed (exit ${code})`;
      const keeps = options.keeps ? ` (its finished part is kept in ${options.keeps}; rerun to resume)` : '';
      reject(new FsnasError('WORKER_FAILED', `${options.label} ${how}${keeps}${lastLine ? `: ${lastLine}` : ''}`));
    });
  });
}

/**
 * In a worker of this pool, exit as soon as the parent is gone, instead of computing on as an
 * orphan for nobody (a killed `reproduce` would otherwise leave its workers holding the cores).
 * Nothing is lost: a worker's finished part is in its checkpoint, written atomically, and the rerun
 * resumes from it. A process not started by the pool is left alone.
 *
 * The parent may die before the worker gets here (its imports take seconds): the channel's
 * 'disconnect' has then already fired and `process.channel` is gone, so the pool's mark in the
 * environment, not the channel, says that this is a worker, and a closed channel means exit now.
 */
export function exitWithParent(): void {
  const parent = process.env[POOL_PARENT_ENV];
  if (parent === undefined) return;
  delete process.env[POOL_PARENT_ENV];
  if (!process.connected || process.ppid !== Number(parent)) process.exit(EXIT_PARENT_GONE);
  process.once('disconnect', () => process.exit(EXIT_PARENT_GONE));
  // After the listener, which refs the channel: the channel alone must not keep a finished worker alive.
  process.channel?.unref();
}

/** A worker's exit status when its parent died (128 + SIGHUP, the shell's status for a hung-up session). */
export const EXIT_PARENT_GONE = 129;
