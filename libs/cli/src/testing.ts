import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BIN = fileURLToPath(new URL('../bin/fsnas.mjs', import.meta.url));

export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run the real CLI as a user would, through its bin script. Asynchronous on purpose: a blocking
 * spawn starves the test worker's RPC with Vitest, which then reports timeouts on a loaded machine.
 */
export async function runFsnas(...args: string[]): Promise<CliResult> {
  return runFsnasWithEnv({}, ...args);
}

/** `runFsnas` with extra environment variables (FSNAS_DATA_DIR, MLFLOW_TRACKING_URI...); undefined unsets one. */
export async function runFsnasWithEnv(env: Readonly<Record<string, string | undefined>>, ...args: string[]): Promise<CliResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, FSNAS_QUIET: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: merged, maxBuffer: 64 << 20 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** The command line, arguments separated by NUL as /proc gives them. */
  readonly cmdline: string;
}

/** The live processes of this machine (zombies excluded), read from /proc, for tests that watch children and process groups. */
export function liveProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces: state ppid pgrp …
      const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      entries.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), cmdline: readFileSync(`/proc/${name}/cmdline`, 'utf8') });
    } catch {
      // The process ended while it was being read.
    }
  }
  return entries;
}
