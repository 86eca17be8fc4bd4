import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { InvalidInputError, Progress, writableDataDir, writeFileAtomic, type Budget } from '@fsnas/core';
import { Tracker, acquireLock, runKey, type ActiveRun, type TrackerOptions } from '@fsnas/tracking';
import type { Finding, PlannedRun } from './finding';
import { createRunInputs, type RunInputs } from './run-inputs';
import { fsnasSource, gitCommit } from './provenance';
import { readWorkerResult, replayCalls, runRecorder, workerCalls, workerResultFile, type ResultFile, type WorkerTask } from './worker-run';
import { inParallel } from './workers';

export interface FindingReport {
  readonly finding: string;
  readonly experimentUrl: string;
  readonly outDir: string;
  readonly runs: readonly { readonly name: string; readonly runId: string; readonly status: 'finished' | 'skipped'; readonly resumed?: boolean }[];
  /** Writes still queued because the server was unreachable (replayed by `fsnas mlflow sync`). */
  readonly pendingWrites: number;
}

export interface RunFindingOptions {
  readonly budget: Budget;
  /** Root of local outputs; default `<data>/results`. */
  readonly outRoot?: string;
  readonly tracker?: Omit<TrackerOptions, 'experiment'>;
  /** Extra tags on every run (e.g. the compute backend). */
  readonly tags?: Readonly<Record<string, string>>;
  /** The command shown as the runs' source (`mlflow.source.name`); default `fsnas reproduce`. */
  readonly source?: string;
  /** Worker processes for a `parallel` finding's runs; without it (or with 1 job) runs are computed here, one by one. */
  readonly workers?: RunWorkers;
  /** What the runs computed here read; default: a fresh context of the data folder (workers build their own). */
  readonly inputs?: RunInputs;
  /** Only these planned runs (indices into the plan, from `selectPlannedRun`); default the whole plan. */
  readonly only?: readonly number[];
}

/** How runFinding computes runs in worker processes (the CLI spawns `fsnas reproduce-worker`). */
export interface RunWorkers {
  /** Runs computed at once. */
  readonly jobs: number;
  /** Compute one run in a worker process, which calls `executeWorkerTask` with this task. */
  compute(task: WorkerTask): Promise<void>;
}

/** Settings the runner logs on every run; a finding's config must not redefine them. */
export const RUNNER_KEYS = ['finding', 'budget'] as const;

/**
 * The logged config of a planned run (its params and run key): the finding and compute budget, then
 * the finding's own config. A field of the finding that reuses a runner key (F4's selection `budget`)
 * is kept under `config.<key>`, so the `budget` param is always the preset, like the `budget` tag.
 */
export function findingRunConfig(findingId: string, budget: Budget, config: unknown): Record<string, unknown> {
  const own = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
  const clashes = Object.keys(own).filter((k) => (RUNNER_KEYS as readonly string[]).includes(k));
  if (clashes.length > 0 && 'config' in own) throw new InvalidInputError(`finding ${findingId}: config fields ${clashes.join(', ')} clash with the runner's, and 'config' is taken too; rename them`);
  const rest = Object.fromEntries(Object.entries(own).filter(([k]) => !clashes.includes(k)));
  return { finding: findingId, budget, ...rest, ...(clashes.length > 0 ? { config: Object.fromEntries(clashes.map((k) => [k, own[k]])) } : {}) };
}

function plannedRunConfig<C>(finding: Finding<C>, budget: Budget, planned: PlannedRun<C>): Record<string, unknown> {
  return findingRunConfig(finding.id, budget, planned.config);
}

/** One planned run as `fsnas run --list` shows it and a job-array task names it. */
export interface PlanEntry {
  readonly index: number;
  readonly name: string;
  readonly key: string;
}

/** A finding's plan at a budget, each run with its index and run key (the MLflow `fsnas.run_key` tag). */
export function planEntries<C>(finding: Finding<C>, budget: Budget): PlanEntry[] {
  return finding.plan(budget).map((p, index) => ({ index, name: p.name, key: runKey(plannedRunConfig(finding, budget, p)) }));
}

/**
 * The index of one planned run, named by its index in the plan, its run key (or a unique prefix of
 * at least 8 hex digits) or its name: what `fsnas run` and a job-array task are given.
 */
export function selectPlannedRun<C>(finding: Finding<C>, budget: Budget, wanted: string): number {
  const entries = planEntries(finding, budget);
  const w = wanted.trim();
  if (/^\d+$/.test(w)) {
    const index = Number(w);
    if (index < entries.length) return index;
    throw new InvalidInputError(`${finding.id} (${budget}) plans ${entries.length} run(s), indices 0–${entries.length - 1}; got index ${w}`);
  }
  const byName = entries.find((e) => e.name === w);
  if (byName) return byName.index;
  const byKey = /^[0-9a-f]{8,64}$/i.test(w) ? entries.filter((e) => e.key.startsWith(w.toLowerCase())) : [];
  if (byKey.length === 1 && byKey[0]) return byKey[0].index;
  if (byKey.length > 1) throw new InvalidInputError(`run key prefix '${w}' matches ${byKey.length} runs of ${finding.id} (${budget}); give more digits`);
  throw new InvalidInputError(`${finding.id} (${budget}) plans no run with index, run key or name '${w}' (fsnas run ${finding.id} --budget ${budget} --list shows the plan)`);
}

/** The MLflow run name: the planned name and the budget, so smoke, laptop and paper runs are told apart. */
export function findingRunName(name: string, budget: Budget): string {
  return `${name} [${budget}]`;
}

/**
 * Run every planned combination of a finding as one MLflow run each. A combination already FINISHED
 * (same resolved config, so the same run key) is skipped, an interrupted one resumes; local outputs
 * go to `<outRoot>/<finding>/<budget>/<run>/` (budgets never overwrite each other) and are uploaded as artifacts.
 * Runs carry MLflow's standard tags (user, source, git commit, description) and the budget in their
 * name and `budget` tag; the experiment's description is the finding's claim.
 */
export async function runFinding<C>(finding: Finding<C>, options: RunFindingOptions): Promise<FindingReport> {
  const planned = finding.plan(options.budget);
  const outside = options.only?.find((i) => !Number.isInteger(i) || i < 0 || i >= planned.length);
  if (outside !== undefined) throw new InvalidInputError(`${finding.id} (${options.budget}) plans ${planned.length} run(s); there is no run ${outside}`);
  const outDir = join(options.outRoot ?? join(writableDataDir(), 'results'), finding.id, options.budget);
  const tracker = await Tracker.open({
    description: `${finding.id}: ${finding.claim} One run per combination; the budget (smoke, laptop, paper) is in each run's name and its 'budget' tag.`,
    source: fsnasSource(options.source ?? 'fsnas reproduce'),
    ...options.tracker,
    experiment: finding.id,
  });
  const progress = new Progress({ label: finding.id, total: options.only?.length ?? planned.length, unit: 'run' });
  const commit = gitCommit();
  const runs = new Map<number, FindingReport['runs'][number]>();
  const inputs = options.inputs ?? createRunInputs();
  const workers = finding.parallel === true && options.workers !== undefined && options.workers.jobs > 1 ? options.workers : undefined;
  const one = async (index: number): Promise<void> => {
    const p = planned[index] as PlannedRun<C>;
    const runDir = join(outDir, p.name);
    const config = plannedRunConfig(finding, options.budget, p);
    const tags = { ...options.tags, ...p.tags, finding: finding.id, budget: options.budget, git_commit: commit };
    const task: WorkerTask = { finding: finding.id, budget: options.budget, run: p.name, key: runKey(config), outDir: runDir, result: workerResultFile(outDir, runKey(config)) };
    const body = async (run: ActiveRun): Promise<void> => {
      if (workers) {
        // The worker computes and records; this process alone writes to MLflow.
        await replayCalls(await workerCalls(task, (t) => workers.compute(t)), run);
      } else {
        // A resumed run recomputes its files from scratch: they are deterministic in the config.
        rmSync(runDir, { recursive: true, force: true });
        mkdirSync(runDir, { recursive: true });
        await finding.execute(p, { run, outDir: runDir, budget: options.budget, inputs });
      }
      for (const file of filesUnder(runDir)) await run.logArtifact(file, relative(runDir, file));
    };
    const result = await tracker.run(config, body, {
      name: findingRunName(p.name, options.budget),
      tags,
      description: `${finding.id} ${p.name}, ${options.budget} budget${Object.keys(p.tags).length > 0 ? ` (${Object.entries(p.tags).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`,
    });
    // Logged (or logged before): a worker's result file has served its purpose.
    rmSync(task.result, { force: true });
    runs.set(index, result.status === 'skipped' ? { name: p.name, runId: result.runId, status: 'skipped' } : { name: p.name, runId: result.runId, status: 'finished', resumed: result.resumed });
    progress.tick(1, p.name);
  };
  const indices = options.only ?? planned.map((_, i) => i);
  try {
    if (workers) await inParallel(indices, workers.jobs, one);
    else for (const i of indices) await one(i);
    rmSync(dirname(workerResultFile(outDir, '-')), { recursive: true, force: true }); // every result was logged
  } catch (error) {
    await tracker.close({ waitMs: 5000 });
    throw error;
  }
  const closing = await tracker.close({ waitMs: 5000 });
  return { finding: finding.id, experimentUrl: tracker.url, outDir, runs: indices.map((i) => runs.get(i) as FindingReport['runs'][number]), pendingWrites: closing.pending };
}

/**
 * The worker's side: compute the task's planned run and write its result file. It holds a lock on
 * the result for the whole computation, so a worker left running by a killed parent and the worker
 * of a rerun never compute the same run at once: the second waits, finds the first one's result and
 * returns without computing.
 */
export async function executeWorkerTask<C>(finding: Finding<C>, task: WorkerTask, inputs: RunInputs = createRunInputs()): Promise<'computed' | 'found'> {
  const planned = finding.plan(task.budget).find((p) => p.name === task.run);
  if (!planned) throw new InvalidInputError(`${finding.id} (${task.budget}) plans no run named '${task.run}'`);
  if (runKey(plannedRunConfig(finding, task.budget, planned)) !== task.key) throw new InvalidInputError(`${finding.id} run '${task.run}' no longer has run key ${task.key}: the plan changed under the parent`);
  mkdirSync(dirname(task.result), { recursive: true });
  const release = await acquireLock(`${task.result}.lock`, 24 * 3600_000, `another worker computing ${task.run}`);
  try {
    if (readWorkerResult(task.result, task.key)) return 'found';
    // A resumed run recomputes its files from scratch: they are deterministic in the config.
    rmSync(task.outDir, { recursive: true, force: true });
    mkdirSync(task.outDir, { recursive: true });
    const recorder = runRecorder();
    await finding.execute(planned, { run: recorder, outDir: task.outDir, budget: task.budget, inputs });
    writeFileAtomic(task.result, `${JSON.stringify({ key: task.key, calls: recorder.calls } satisfies ResultFile)}\n`);
    return 'computed';
  } finally {
    release();
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
