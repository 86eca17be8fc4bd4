import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, workspaceRoot, writeFileAtomic, type Budget } from '@fsnas/core';
import type { MlflowClient } from '@fsnas/tracking';
import type { Finding } from '../finding';
import { findingStatus } from '../status';
import { SlurmError, allNodesAreThisHost, maxArraySize, partitionNodes, queuedTasks, sbatch } from './cluster';
import { arrayScript, type ArrayJob, type SbatchResources } from './script';

export interface SlurmSubmitOptions {
  readonly budget: Budget;
  readonly resources: SbatchResources;
  /** Shared folder: checkpoints, split trees, caches (the tasks' FSNAS_DATA_DIR), scripts, logs, the submission record. */
  readonly shared: string;
  readonly trackingUri: string;
  /** Write the scripts and say what would be submitted, submitting nothing. */
  readonly dryRun?: boolean;
  /** The checkout the tasks run; default this one. */
  readonly workspace?: string;
}

/** One job array, submitted (or, in a dry run, written only). */
export interface SubmittedArray {
  readonly finding: string;
  /** Null in a dry run. */
  readonly job: string | null;
  readonly runs: readonly number[];
  readonly scriptPath: string;
  readonly script: string;
  /** Jobs it waits for (`--dependency=afterok:…`): the arrays of the findings it requires. */
  readonly after: readonly string[];
  /** The findings it requires (whose arrays, in a dry run, it would wait for). */
  readonly requires: readonly string[];
}

export interface SlurmSubmitReport {
  /** Array tasks submitted (or, in a dry run, that would be). */
  readonly submitted: number;
  /** Planned runs already FINISHED in MLflow. */
  readonly skipped: number;
  /** Planned runs whose task is still pending or running in the queue: not submitted twice. */
  readonly queued: number;
  readonly jobs: readonly string[];
  readonly arrays: readonly SubmittedArray[];
}

/** A line of `<shared>/slurm/submissions.jsonl`: which planned runs an array job's tasks run. */
interface SubmissionRecord {
  readonly job: string;
  readonly finding: string;
  readonly budget: Budget;
  readonly runs: readonly number[];
}

const recordFile = (shared: string): string => join(shared, 'slurm', 'submissions.jsonl');

function readRecords(shared: string): SubmissionRecord[] {
  const file = recordFile(shared);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SubmissionRecord);
}

/** A finding's planned runs that have an array task in the queue, with its state, and those array jobs. */
export interface QueuedRuns {
  /** Plan index → the task's Slurm state (PENDING, RUNNING, …). */
  readonly runs: Map<number, string>;
  readonly jobs: Set<string>;
}

/** Per finding, the planned runs whose array task is pending or running: the submission record joined with squeue. */
export function queuedRuns(shared: string, budget: Budget): Map<string, QueuedRuns> {
  const byJob = new Map(readRecords(shared).filter((r) => r.budget === budget).map((r) => [r.job, r]));
  const out = new Map<string, QueuedRuns>();
  for (const task of queuedTasks([...byJob.keys()])) {
    const record = byJob.get(task.job);
    const run = record?.runs[task.task];
    if (!record || run === undefined) continue;
    const entry = out.get(record.finding) ?? { runs: new Map<number, string>(), jobs: new Set<string>() };
    entry.runs.set(run, task.state);
    entry.jobs.add(task.job);
    out.set(record.finding, entry);
  }
  return out;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/**
 * A tracking server on this machine's loopback address is reachable from array tasks only when
 * every node of the partition is this machine (as on the local test cluster).
 */
export function checkTrackingForCluster(trackingUri: string, nodes: readonly string[]): void {
  const host = new URL(trackingUri).hostname;
  if (!LOOPBACK.test(host) || allNodesAreThisHost(nodes)) return;
  throw new InvalidInputError(
    `the tracking server ${trackingUri} is on this machine's loopback address, which array tasks on ${nodes.join(', ') || 'other nodes'} cannot reach. ` +
      'Start it where the nodes can reach it (on a login node: fsnas mlflow up --host 0.0.0.0 --port P) and set MLFLOW_TRACKING_URI=http://<login-node>:P',
  );
}

/**
 * Submit the findings' planned runs that are not FINISHED in MLflow and not already queued, one job
 * array per finding (in chunks below the cluster's MaxArraySize), each waiting for the arrays of the
 * findings it requires. Slurm schedules everything; fsnas only writes and submits the scripts.
 */
export async function submitToSlurm(findings: readonly Finding[], client: MlflowClient, options: SlurmSubmitOptions): Promise<SlurmSubmitReport> {
  const live = (fn: () => void): boolean => {
    try {
      fn();
      return true;
    } catch (error) {
      if (options.dryRun && error instanceof SlurmError) return false; // a dry run may be written where Slurm is not
      throw error;
    }
  };
  let nodes: string[] = [];
  let size = 1001;
  const slurmHere = live(() => {
    nodes = partitionNodes(options.resources.partition);
    size = maxArraySize();
  });
  if (slurmHere) checkTrackingForCluster(options.trackingUri, nodes);
  const queue = slurmHere ? queuedRuns(options.shared, options.budget) : new Map<string, QueuedRuns>();
  // sbatch does not create the folder of --output: a missing one loses every task's log.
  for (const dir of ['scripts', 'logs']) mkdirSync(join(options.shared, 'slurm', dir), { recursive: true });
  const arrays: SubmittedArray[] = [];
  const jobsOf = new Map<string, string[]>();
  let skipped = 0;
  let queued = 0;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (const finding of findings) {
    const status = await findingStatus(finding, options.budget, client, { jobs: 1 });
    skipped += status.finished;
    const open = status.runs.filter((r) => r.state !== 'finished');
    const inQueue = queue.get(finding.id)?.runs ?? new Map<number, string>();
    const todo = open.filter((r) => !inQueue.has(r.index)).map((r) => r.index);
    queued += open.length - todo.length;
    const after = [...new Set((finding.requires ?? []).flatMap((id) => [...(jobsOf.get(id) ?? []), ...(queue.get(id)?.jobs ?? [])]))];
    const chunks = Math.ceil(todo.length / size);
    for (let c = 0; c < chunks; c++) {
      const job: ArrayJob = {
        finding: finding.id,
        budget: options.budget,
        runs: todo.slice(c * size, (c + 1) * size),
        workspace: options.workspace ?? workspaceRoot(),
        shared: options.shared,
        trackingUri: options.trackingUri,
        resources: options.resources,
        chunk: { index: c, of: chunks },
      };
      const script = arrayScript(job);
      const scriptPath = join(options.shared, 'slurm', 'scripts', `${finding.id}-${options.budget}-${stamp}-${c}.sh`);
      writeFileAtomic(scriptPath, script);
      const id = options.dryRun ? null : sbatch(scriptPath, after.length > 0 ? [`--dependency=afterok:${after.join(':')}`] : []);
      if (id !== null) {
        appendFileSync(recordFile(options.shared), `${JSON.stringify({ job: id, finding: finding.id, budget: options.budget, runs: job.runs } satisfies SubmissionRecord)}\n`);
        jobsOf.set(finding.id, [...(jobsOf.get(finding.id) ?? []), id]);
      }
      arrays.push({ finding: finding.id, job: id, runs: job.runs, scriptPath, script, after, requires: finding.requires ?? [] });
    }
  }
  return { submitted: arrays.reduce((n, a) => n + a.runs.length, 0), skipped, queued, jobs: arrays.flatMap((a) => (a.job === null ? [] : [a.job])), arrays };
}
