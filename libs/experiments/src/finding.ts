import type { Budget } from '@fsnas/core';
import type { ActiveRun } from '@fsnas/tracking';
import type { RunInputs } from './run-inputs';

/** One combination of a finding (e.g. one metric × dataset): one MLflow run. */
export interface PlannedRun<C> {
  /** Human-readable run name, also the folder name of its local outputs. */
  readonly name: string;
  /** The resolved configuration: logged as params, hashed into the run key that makes re-runs skip. */
  readonly config: C;
  /** Searchable MLflow tags (metric, dataset, algorithm, seed...). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The part of a run that computes metrics write to, so a finding's computation can run without a server. */
export type MetricSink = Pick<ActiveRun, 'logMetrics'>;

/**
 * What `execute` may log: metrics and tags. A worker process records these calls and the parent
 * replays them into the MLflow run (runner.ts), so only the parent ever writes to MLflow.
 */
export type RunLog = Pick<ActiveRun, 'logMetric' | 'logMetrics' | 'setTags'>;

/** A MetricSink that keeps what it is given: lets tests check what a run would log. */
export function metricRecorder(): MetricSink & { readonly rows: { values: Record<string, number>; step: number }[] } {
  const rows: { values: Record<string, number>; step: number }[] = [];
  return {
    rows,
    async logMetrics(values: Readonly<Record<string, number>>, step: number) {
      rows.push({ values: { ...values }, step });
    },
  };
}

export interface RunContext {
  /** The MLflow run (or, in a worker, a recorder of it): log metrics and tags here. */
  readonly run: RunLog;
  /** A fresh local folder for this run's files (tables, figures); the runner uploads it as artifacts. */
  readonly outDir: string;
  readonly budget: Budget;
  /** The tables, splits, images and backend the run reads, loaded once by whoever runs the finding. */
  readonly inputs: RunInputs;
}

/**
 * A paper finding: one MLflow experiment whose runs are the combinations `plan` returns. `execute`
 * computes one combination and logs it; it must be deterministic given the config so that a resumed
 * run reproduces what an interrupted one started.
 */
export interface Finding<C = unknown> {
  /** MLflow experiment name, e.g. `F3-distribution`. */
  readonly id: string;
  /** The claim of the paper the finding tests, in one sentence. */
  readonly claim: string;
  /**
   * Where `reproduce` runs it: findings run by ascending order, so a stage whose results others read
   * (the splits stage, 0) comes first. F1 10, F3 30, F4 40, F2 50 (the searches, longest) last.
   */
  readonly order: number;
  /**
   * Ids of findings whose results this one reads (the splits stage's trees): `reproduce --finding`
   * runs them too, first, when they are not chosen (their finished runs are skipped as usual).
   */
  readonly requires?: readonly string[];
  describeBudget(budget: Budget): string;
  plan(budget: Budget): readonly PlannedRun<C>[];
  /**
   * Runs long enough (minutes of compute each) to pay a worker process (~2 s to start): with
   * `reproduce --jobs N`, N of them run at once in worker processes. Benchmark look-ups leave it unset.
   */
  readonly parallel?: boolean;
  execute(planned: PlannedRun<C>, context: RunContext): Promise<void>;
}
