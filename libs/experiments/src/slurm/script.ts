import { InvalidInputError, type Budget } from '@fsnas/core';

/** What sbatch is asked for every array task; each maps to the sbatch option of the same name. */
export interface SbatchResources {
  readonly partition?: string;
  /** Per task, sbatch's format (`4:00:00`, `2-00:00:00`). */
  readonly time?: string;
  /** e.g. `gpu:1`. */
  readonly gres?: string;
  readonly cpusPerTask?: number;
  /** e.g. `16G`. */
  readonly mem?: string;
  readonly account?: string;
  /** At most this many tasks of an array at once (`--array=…%N`). */
  readonly arrayParallel?: number;
  /** Further `#SBATCH` arguments, verbatim (e.g. `--qos=long`). */
  readonly extra?: readonly string[];
}

/** One job array: some planned runs of one finding, one array task each. */
export interface ArrayJob {
  readonly finding: string;
  readonly budget: Budget;
  /** Plan indices: array task i runs planned run runs[i]. */
  readonly runs: readonly number[];
  /** The checkout every node runs (on a shared file system). */
  readonly workspace: string;
  /** The shared folder for checkpoints, split trees, caches and the tasks' logs (FSNAS_DATA_DIR). */
  readonly shared: string;
  readonly trackingUri: string;
  readonly resources: SbatchResources;
  /** Chunk i of n, when the plan is split at the cluster's MaxArraySize. */
  readonly chunk: { readonly index: number; readonly of: number };
}

/**
 * Seconds of an sbatch --time limit: `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M` or `D-H:M:S`; what a task
 * may run at most, so tasks × limit bounds what an array reserves.
 */
export function slurmTimeSeconds(text: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) throw new InvalidInputError(`--time '${text}' is not a Slurm time (M, M:S, H:M:S, D-H, D-H:M or D-H:M:S)`);
  const [, d, a, b, c] = m;
  const n = (x: string | undefined) => (x === undefined ? 0 : Number(x));
  if (d !== undefined) return n(d) * 86_400 + n(a) * 3600 + n(b) * 60 + n(c);
  if (c !== undefined) return n(a) * 3600 + n(b) * 60 + n(c);
  if (b !== undefined) return n(a) * 60 + n(b);
  return n(a) * 60;
}

/** Single-quoted for bash: the script names paths verbatim, whatever they contain. */
const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The sbatch job name of a finding's arrays: how squeue lists them. */
export const arrayJobName = (finding: string, budget: Budget): string => `fsnas-${finding}-${budget}`;

/**
 * The batch script of one job array. Each task runs `fsnas run` on its planned run, so a task skips a
 * run already FINISHED and resumes one that was interrupted, exactly as a local `reproduce` does.
 * Credentials never appear here: sbatch passes the submitter's environment (MLFLOW_TRACKING_TOKEN or
 * USERNAME/PASSWORD) to the tasks.
 */
export function arrayScript(job: ArrayJob): string {
  const r = job.resources;
  const directives = [
    `--job-name=${arrayJobName(job.finding, job.budget)}`,
    `--array=0-${job.runs.length - 1}${r.arrayParallel !== undefined ? `%${r.arrayParallel}` : ''}`,
    `--output=${job.shared}/slurm/logs/%x-%A_%a.out`,
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    ...(r.time ? [`--time=${r.time}`] : []),
    ...(r.gres ? [`--gres=${r.gres}`] : []),
    ...(r.cpusPerTask !== undefined ? [`--cpus-per-task=${r.cpusPerTask}`] : []),
    ...(r.mem ? [`--mem=${r.mem}`] : []),
    ...(r.account ? [`--account=${r.account}`] : []),
    ...(r.extra ?? []),
  ];
  return [
    '#!/bin/bash',
    `# fsnas ${job.finding}, budget ${job.budget}: ${job.runs.length} planned run(s), one array task each${job.chunk.of > 1 ? ` (chunk ${job.chunk.index + 1} of ${job.chunk.of})` : ''}.`,
    '# Written by `fsnas reproduce --executor slurm`; task i runs planned run RUNS[i] (`fsnas run --list` shows the plan).',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -euo pipefail',
    `RUNS=(${job.runs.join(' ')})`,
    `cd ${quote(job.workspace)}`,
    `export FSNAS_DATA_DIR=${quote(job.shared)}`,
    'export FSNAS_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
    `export MLFLOW_TRACKING_URI=${quote(job.trackingUri)}`,
    `exec node libs/cli/bin/fsnas.mjs run ${quote(job.finding)} --budget ${job.budget} --run "\${RUNS[$SLURM_ARRAY_TASK_ID]}"`,
    '',
  ].join('\n');
}
