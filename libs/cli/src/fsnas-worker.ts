import { fileURLToPath } from 'node:url';
import { runWorker, type RunWorkers, type WorkerOptions, type WorkerPlan } from '@fsnas/experiments';

/** The fsnas bin script: workers are fsnas commands in child processes. */
export const FSNAS_BIN = fileURLToPath(new URL('../bin/fsnas.mjs', import.meta.url));

/** What a caller of a specific worker sets: its threads and, optionally, where its stderr goes. */
export type WorkerOutput = Pick<WorkerOptions, 'threads' | 'onStderr'>;

/** `fsnas <args>` in a worker process of the pool (@fsnas/experiments workers.ts), with its thread count. */
export function runFsnasWorker(args: readonly string[], options: WorkerOptions): Promise<string> {
  return runWorker([FSNAS_BIN, ...args], options);
}

/** The name of the hidden command that computes one planned run of `reproduce --jobs N`. */
export const REPRODUCE_WORKER = 'reproduce-worker';

/** runFinding's workers: each run in its own `fsnas reproduce-worker <task>` process. */
export function reproduceWorkers(plan: WorkerPlan): RunWorkers {
  return {
    jobs: plan.jobs,
    async compute(task) {
      await runFsnasWorker([REPRODUCE_WORKER, JSON.stringify(task)], { threads: plan.threads, label: `the worker of ${task.finding} run ${task.run}`, keeps: 'its checkpoint' });
    },
  };
}
