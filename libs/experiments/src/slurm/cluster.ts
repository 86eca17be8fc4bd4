import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { FsnasError } from '@fsnas/core';

/** A Slurm command that failed, or did not answer in time (client commands hang while slurmctld is down). */
export class SlurmError extends FsnasError {
  constructor(message: string) {
    super('SLURM', message);
  }
}

/** Run a Slurm client command, bounded in time; its stdout, or a SlurmError naming the command. */
export function slurm(command: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: options.timeoutMs ?? 15_000, env: options.env ?? process.env });
  const shown = `${command} ${args.join(' ')}`;
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new SlurmError(code === 'ENOENT' ? `${command} not found: is Slurm installed here (tools/slurm/local-cluster.sh brings up a local one)?` : code === 'ETIMEDOUT' ? `${shown} did not answer within ${(options.timeoutMs ?? 15_000) / 1000} s: is slurmctld up?` : `${shown}: ${result.error.message}`);
  }
  if (result.status !== 0) throw new SlurmError(`${shown} exited ${result.status}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** The cluster's MaxArraySize (array indices must stay below it), from `scontrol show config`; Slurm's default 1001 when it says nothing. */
export function maxArraySize(): number {
  const match = /^MaxArraySize\s*=\s*(\d+)/m.exec(slurm('scontrol', ['show', 'config']));
  return match ? Number(match[1]) : 1001;
}

/** The nodes of a partition (the default one when unnamed), host names expanded. */
export function partitionNodes(partition?: string): string[] {
  const list = slurm('sinfo', ['-h', '-o', '%N', ...(partition ? ['-p', partition] : [])]).trim();
  if (list === '') return [];
  return [...new Set(list.split(/\s+/).flatMap((part) => slurm('scontrol', ['show', 'hostnames', part]).split(/\s+/).filter((h) => h !== '')))];
}

/** Whether every node is this machine: then a tracking server on its loopback address serves every task. */
export function allNodesAreThisHost(nodes: readonly string[]): boolean {
  const here = new Set(['localhost', '127.0.0.1', hostname(), hostname().split('.')[0]]);
  return nodes.length > 0 && nodes.every((n) => here.has(n));
}

/** One array task in the queue (pending or running). */
export interface QueuedTask {
  readonly job: string;
  readonly task: number;
  readonly state: string;
}

/**
 * This user's array tasks in the queue, one line per task (`squeue -r`), of the given array jobs. The
 * whole queue is read and filtered here: `squeue -j` fails on a job id the controller has forgotten.
 */
export function queuedTasks(jobs: readonly string[]): QueuedTask[] {
  if (jobs.length === 0) return [];
  const wanted = new Set(jobs);
  const out = slurm('squeue', ['-h', '-r', '--me', '-o', '%F %K %T']);
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 3 && /^\d+$/.test(parts[1] as string))
    .map(([job, task, state]) => ({ job: job as string, task: Number(task), state: state as string }))
    .filter((t) => wanted.has(t.job));
}

/** Submit a batch script; the job id (`sbatch --parsable`). */
export function sbatch(scriptPath: string, args: readonly string[] = []): string {
  const out = slurm('sbatch', ['--parsable', ...args, scriptPath]).trim();
  const job = out.split(';')[0] ?? '';
  if (!/^\d+$/.test(job)) throw new SlurmError(`sbatch answered '${out}', not a job id`);
  return job;
}
