import { median, type Budget } from '@fsnas/core';
import { TAG_RUN_KEY, type MlflowClient, type Run } from '@fsnas/tracking';
import type { Finding } from './finding';
import { planEntries } from './runner';

/**
 * Where a planned run stands in MLflow. `running` is a RUNNING run: being computed now, or left so by
 * a process that was killed (MLflow cannot tell them apart; a rerun resumes it from its checkpoint).
 */
export type PlannedRunState = 'finished' | 'running' | 'failed' | 'not_started';

export interface PlannedRunStatus {
  readonly index: number;
  readonly name: string;
  readonly key: string;
  readonly state: PlannedRunState;
  readonly runId?: string;
  /** Seconds from the run's start to its end (finished) or to now (running). */
  readonly seconds?: number;
}

export interface FindingStatus {
  readonly finding: string;
  readonly budget: Budget;
  readonly planned: number;
  readonly finished: number;
  readonly running: number;
  readonly failed: number;
  readonly notStarted: number;
  /**
   * Median seconds of the finished runs (start to end in MLflow); null before the first one. The
   * median, because a resumed run's start is its first attempt's, which can be long before.
   */
  readonly medianRunSeconds: number | null;
  /** What is left (failed and not started runs, and the rest of the running ones) at the median, over `jobs` workers; null without a finished run to time. */
  readonly etaSeconds: number | null;
  readonly jobs: number;
  readonly runs: readonly PlannedRunStatus[];
}

const STATE_OF: Readonly<Record<string, PlannedRunState>> = { FINISHED: 'finished', RUNNING: 'running', SCHEDULED: 'running', FAILED: 'failed', KILLED: 'failed' };
/** Which run speaks for a key when several carry it (a failed try, then its rerun). */
const PRECEDENCE: readonly PlannedRunState[] = ['finished', 'running', 'failed'];

/**
 * How far a finding's plan at `budget` is, read from MLflow: each planned run matched to the runs
 * carrying its run key, and an ETA at the median duration of the finished ones.
 */
export async function findingStatus(finding: Finding, budget: Budget, client: MlflowClient, options: { jobs: number; now?: number }): Promise<FindingStatus> {
  const now = options.now ?? Date.now();
  const experiment = await client.getExperimentByName(finding.id);
  const logged = experiment ? await client.searchRuns({ experimentIds: [experiment.experimentId], filter: `tags.budget = '${budget}'` }) : [];
  const byKey = new Map<string, Run[]>();
  for (const run of logged) {
    const key = run.tags.find((t) => t.key === TAG_RUN_KEY)?.value;
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), run]);
  }
  const runs = planEntries(finding, budget).map((entry): PlannedRunStatus => {
    const candidates = (byKey.get(entry.key) ?? []).map((run) => ({ run, state: STATE_OF[run.info.status] ?? 'failed' }));
    const best = PRECEDENCE.map((state) => candidates.filter((c) => c.state === state).sort((a, b) => b.run.info.startTime - a.run.info.startTime)[0]).find((c) => c !== undefined);
    if (!best) return { ...entry, state: 'not_started' };
    const end = best.state === 'running' ? now : (best.run.info.endTime ?? now);
    return { ...entry, state: best.state, runId: best.run.info.runId, seconds: (end - best.run.info.startTime) / 1000 };
  });
  const count = (state: PlannedRunState) => runs.filter((r) => r.state === state).length;
  const finishedSeconds = runs.filter((r) => r.state === 'finished').map((r) => r.seconds as number);
  const medianRunSeconds = finishedSeconds.length > 0 ? median(finishedSeconds) : null;
  const left =
    medianRunSeconds === null
      ? null
      : runs.reduce((sum, r) => sum + (r.state === 'finished' ? 0 : r.state === 'running' ? Math.max(0, medianRunSeconds - (r.seconds as number)) : medianRunSeconds), 0);
  return {
    finding: finding.id,
    budget,
    planned: runs.length,
    finished: count('finished'),
    running: count('running'),
    failed: count('failed'),
    notStarted: count('not_started'),
    medianRunSeconds,
    etaSeconds: left === null ? null : left / Math.max(1, options.jobs),
    jobs: options.jobs,
    runs,
  };
}
