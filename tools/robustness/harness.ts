/**
 * What the robustness matrix needs around the CLI: run `fsnas` as a user would (its own process
 * group, a timeout, optional interruption), and see what a run did to the files around it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspaceRoot } from '@fsnas/core';

export const ROOT = workspaceRoot();
export const BIN = join(ROOT, 'libs', 'cli', 'bin', 'fsnas.mjs');

export interface CliRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** True when `interrupt` fired and the run was signalled on purpose. */
  readonly interrupted: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface CliOptions {
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
  /** Polled every 20 ms (and on each stderr chunk): when it returns true the run's process group gets `signal`. */
  readonly interrupt?: (stderr: string) => boolean;
  readonly signal?: NodeJS.Signals;
}

/** `fsnas <args>` in its own process group; a run past the timeout is SIGKILLed with its children. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

export function runProcess(command: string, args: readonly string[], options: CliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, FSNAS_QUIET: '1' };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let interrupted = false;
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-(child.pid as number), signal);
      } catch {
        // already gone
      }
    };
    const check = (): void => {
      if (!interrupted && options.interrupt?.(stderr)) {
        interrupted = true;
        killGroup(options.signal ?? 'SIGKILL');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    const poll = options.interrupt ? setInterval(check, 20) : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      // Children the CLI started (a server, workers) go with it.
      killGroup('SIGKILL');
      resolveRun({ exitCode: code, signal, timedOut, interrupted, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Path (relative to the folder) → content hash of every file under `dir`, skipping `skip` prefixes. */
export type Snapshot = ReadonlyMap<string, string>;

export function snapshot(dir: string, skip: readonly string[] = []): Snapshot {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      const rel = relative(dir, path);
      if (skip.some((s) => rel === s || rel.startsWith(`${s}/`))) continue;
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else files.set(rel, stat.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : `special:${stat.mode}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** Files of `before` changed or removed in `after`, and files new in `after`. */
export function compareSnapshots(before: Snapshot, after: Snapshot): { changed: string[]; added: string[] } {
  return {
    changed: [...before].filter(([path, hash]) => after.get(path) !== hash).map(([path]) => path),
    added: [...after.keys()].filter((path) => !before.has(path)),
  };
}

/** The first line of stderr that is not a progress note, for the table. */
export function firstStderrLine(stderr: string): string {
  return stderr.split('\n').find((l) => l.trim() !== '' && !/^fsnas: tfjs backend/.test(l))?.trim() ?? '';
}
