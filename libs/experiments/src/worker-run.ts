import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FsnasError, type Budget } from '@fsnas/core';
import type { RunLog } from './finding';

/**
 * One planned run computed in a worker process (`reproduce --jobs N`). The worker never talks to
 * MLflow: it runs `execute` against a recorder, writes the run's files into its folder, and last,
 * atomically, a result file holding the recorded calls. The parent replays them into the MLflow run
 * and uploads the files, so every MLflow write still goes through the parent's one Tracker and its
 * run-key skip/resume: exactly once. A result file outlives a parent killed before it logged it, so
 * the rerun logs it without computing the run again.
 */
export interface WorkerTask {
  readonly finding: string;
  readonly budget: Budget;
  /** The planned run's name. */
  readonly run: string;
  /** Its run key: the worker refuses a task whose plan no longer gives this key. */
  readonly key: string;
  /** The run's folder of local outputs. */
  readonly outDir: string;
  /** Where the worker writes the recorded calls. */
  readonly result: string;
}

/** The calls of `execute` on its RunLog, in order. Non-finite numbers are kept as strings (JSON has none). */
export type RecordedCall = { readonly kind: 'metrics'; readonly values: Record<string, number | string>; readonly step: number } | { readonly kind: 'tags'; readonly tags: Record<string, string> };

export interface ResultFile {
  readonly key: string;
  readonly calls: readonly RecordedCall[];
}

/** Result files of one finding and budget: `<outDir>/.workers/<run key>.json`. */
export const workerResultFile = (budgetDir: string, key: string): string => join(budgetDir, '.workers', `${key}.json`);

const encode = (v: number): number | string => (Number.isFinite(v) ? v : String(v));
const decode = (v: number | string): number => (typeof v === 'number' ? v : Number(v));

/** A RunLog that keeps the calls, for the result file. */
export function runRecorder(): RunLog & { readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const metrics = async (values: Readonly<Record<string, number>>, step: number): Promise<void> =>
    void calls.push({ kind: 'metrics', values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, encode(v)])), step });
  return {
    calls,
    logMetrics: metrics,
    logMetric: (key, value, step) => metrics({ [key]: value }, step),
    async setTags(tags) {
      calls.push({ kind: 'tags', tags: { ...tags } });
    },
  };
}

/** The recorded calls of a finished worker, or undefined when there is none for this key (yet). */
export function readWorkerResult(file: string, key: string): readonly RecordedCall[] | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as ResultFile;
  return parsed.key === key ? parsed.calls : undefined;
}

/** Replay a worker's calls into the real run, in the order they were made. */
export async function replayCalls(calls: readonly RecordedCall[], run: RunLog): Promise<void> {
  for (const call of calls) {
    if (call.kind === 'metrics') await run.logMetrics(Object.fromEntries(Object.entries(call.values).map(([k, v]) => [k, decode(v)])), call.step);
    else await run.setTags(call.tags);
  }
}

/** The parent's side: the recorded calls of a task, computing them with `compute` unless a worker already did. */
export async function workerCalls(task: WorkerTask, compute: (task: WorkerTask) => Promise<void>): Promise<readonly RecordedCall[]> {
  const found = readWorkerResult(task.result, task.key);
  if (found) return found;
  await compute(task);
  const calls = readWorkerResult(task.result, task.key);
  if (!calls) throw new FsnasError('WORKER_FAILED', `the worker of ${task.finding} run '${task.run}' ended without writing ${task.result}`);
  return calls;
}
