import { resolve } from 'node:path';
import { InvalidInputError, checkWritableDir, type Budget } from '@fsnas/core';
import { queuedRuns, slurmTimeSeconds, submitToSlurm, trackingClient, type QueuedRuns, type Finding, type SbatchResources, type SlurmSubmitReport } from '@fsnas/experiments';
import { Option, type Command } from 'commander';
import { emit, numericOption } from '../cli-kit';
import { announceTrackingTarget } from './run-context';

/** The options of `reproduce --executor slurm`: sbatch's resources under their own names, and the executor's. */
export interface SlurmCliOptions extends Omit<SbatchResources, 'extra'> {
  readonly executor: 'local' | 'slurm';
  readonly sharedDir?: string;
  readonly sbatchArg: string[];
  readonly dryRun?: boolean;
  readonly resubmitFailed?: boolean;
}

export function addSlurmOptions(command: Command): Command {
  return command
    .addOption(new Option('--executor <where>', "local: compute here (--jobs workers); slurm: submit one job array per finding, one task per planned run, each running `fsnas run`").choices(['local', 'slurm']).default('local'))
    .option('--shared-dir <dir>', 'slurm: a folder every node sees, for checkpoints, split trees, caches, the scripts and the tasks\' logs (the tasks\' FSNAS_DATA_DIR)')
    .option('--partition <name>', 'slurm: sbatch --partition')
    .option('--time <limit>', 'slurm: sbatch --time, per task (e.g. 4:00:00)')
    .option('--gres <spec>', 'slurm: sbatch --gres (e.g. gpu:1)')
    .option('--cpus-per-task <n>', 'slurm: sbatch --cpus-per-task (also the tasks\' compute threads)', numericOption.positiveInteger)
    .option('--mem <size>', 'slurm: sbatch --mem (e.g. 16G)')
    .option('--account <name>', 'slurm: sbatch --account')
    .option('--array-parallel <n>', 'slurm: at most n tasks of an array at once (--array=…%n)', numericOption.positiveInteger)
    .option('--sbatch-arg <arg>', 'slurm: one more #SBATCH argument, verbatim (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--dry-run', 'slurm: write the scripts and print them, submitting nothing')
    .option('--resubmit-failed', 'slurm, with --status: then submit a new array of what is not FINISHED and not queued (failed, cancelled, interrupted, never started)');
}

function sharedDir(options: SlurmCliOptions): string {
  if (options.sharedDir === undefined) throw new InvalidInputError('--executor slurm needs --shared-dir <dir>: a folder every node sees, for checkpoints, split trees and caches');
  return resolve(options.sharedDir);
}

/** The runs with an array task in the queue, per finding (for `--status --executor slurm`). */
export function slurmQueue(options: SlurmCliOptions, budget: Budget): Map<string, QueuedRuns> {
  return queuedRuns(sharedDir(options), budget);
}

/** Submit the findings to Slurm (or, with --dry-run, print the scripts) and report what was submitted. */
export async function reproduceOnSlurm(findings: readonly Finding[], budget: Budget, options: SlurmCliOptions, json: boolean | undefined): Promise<SlurmSubmitReport> {
  const shared = sharedDir(options);
  // A malformed --time fails here, naming itself, not in sbatch after the first arrays went in.
  if (options.time !== undefined) slurmTimeSeconds(options.time);
  checkWritableDir(shared, '--shared-dir');
  const tracking = await announceTrackingTarget('reproduce');
  const resources: SbatchResources = {
    ...(options.partition !== undefined ? { partition: options.partition } : {}),
    ...(options.time !== undefined ? { time: options.time } : {}),
    ...(options.gres !== undefined ? { gres: options.gres } : {}),
    ...(options.cpusPerTask !== undefined ? { cpusPerTask: options.cpusPerTask } : {}),
    ...(options.mem !== undefined ? { mem: options.mem } : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
    ...(options.arrayParallel !== undefined ? { arrayParallel: options.arrayParallel } : {}),
    extra: options.sbatchArg,
  };
  const report = await submitToSlurm(findings, await trackingClient(), { budget, resources, shared, trackingUri: tracking.url, ...(options.dryRun ? { dryRun: true } : {}) });
  emit(json, { submitted: report.submitted, skipped: report.skipped, queued: report.queued, jobs: report.jobs, arrays: report.arrays.map(({ script: _script, ...a }) => a) }, () =>
    [
      ...(options.dryRun ? report.arrays.map((a) => `# ${a.scriptPath}${a.after.length > 0 ? ` (after ${a.after.join(', ')})` : ''}\n${a.script}`) : []),
      ...report.arrays.map((a) => `${a.finding}: ${a.runs.length} task(s)${a.job ? `, job ${a.job}` : ' (dry run: not submitted)'}${a.after.length > 0 ? `, after job(s) ${a.after.join(', ')}` : a.requires.length > 0 && !a.job ? `, after the arrays of ${a.requires.join(', ')}` : ''}${reservation(a.runs.length, options)}`),
      `${options.dryRun ? 'would submit' : 'submitted'} ${report.submitted} task(s); ${report.skipped} run(s) already FINISHED; ${report.queued} still queued or running`,
    ].join('\n'),
  );
  return report;
}

/** What an array may reserve at most: its tasks × the --time limit, in GPU-hours when it asks for GPUs. */
function reservation(tasks: number, options: SlurmCliOptions): string {
  if (options.time === undefined) return '';
  const hours = (tasks * slurmTimeSeconds(options.time)) / 3600;
  const gpus = /gpu(?::[^:,]+)?:(\d+)/.exec(options.gres ?? '')?.[1];
  return gpus ? `; at most ${(hours * Number(gpus)).toFixed(0)} GPU-hours (${tasks} × ${options.time} × ${gpus} GPU)` : `; at most ${hours.toFixed(0)} task-hours (${tasks} × ${options.time})`;
}
