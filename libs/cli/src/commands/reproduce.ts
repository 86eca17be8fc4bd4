import { BUDGETS, InvalidInputError, checkWritableDir, formatSeconds, parseBudget, type Budget } from '@fsnas/core';
import { discoverFindings, executeWorkerTask, findFinding, findingStatus, planWorkers, runFinding, selectFindings, trackingClient, type Finding, type FindingReport, type FindingStatus, type QueuedRuns, type WorkerTask } from '@fsnas/experiments';
import { initBackend } from '@fsnas/nn';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';
import { paperBudgetWarning } from './search';
import { REPRODUCE_WORKER, reproduceWorkers } from '../fsnas-worker';
import { announceTrackingTarget, computeEngineTags } from './run-context';
import { addSlurmOptions, reproduceOnSlurm, slurmQueue, type SlurmCliOptions } from './reproduce-slurm';

/** `fsnas reproduce`: the main job — run the paper's findings and log them to MLflow. */
export function registerReproduceCommand(program: Command): void {
  registerReproduceWorker(program);
  const command = program
    .command('reproduce')
    .description("compute the project's own splits (the splits stage) and run the paper's findings on them and on the paper's, as MLflow experiments (starts a local MLflow server unless MLFLOW_TRACKING_URI is set)")
    .option('--budget <preset>', `compute budget: ${BUDGETS.join(' | ')}`, 'laptop')
    .option('--finding <ids>', "comma-separated findings to run (e.g. splits,F1,F3: the folders of findings/); default all, the splits stage first")
    .option('--out <dir>', 'folder for local outputs (default data/results)')
    .option(
      '--jobs <n>',
      'runs computed at once, each in a worker process with cores/n compute threads (the splits and the F2 searches; F1, F3 and F4 are table look-ups and run here); default: one per core, as free memory allows (2 GB each), and 1 for the smoke budget. Only this process writes to MLflow',
      numericOption.positiveInteger,
    )
    .option('--status', "print, from MLflow, how many planned runs are finished, running (or interrupted), failed and not started, with an ETA at the median duration of the finished ones over --jobs workers; runs nothing")
    .option('--json', 'print a JSON summary');
  addSlurmOptions(command).action(async (options: { budget: string; finding?: string; out?: string; jobs?: number; status?: boolean; json?: boolean } & SlurmCliOptions) => {
      const budget = parseBudget(options.budget, '--budget');
      const findings = selectFindings(options.finding, await discoverFindings());
      if (options.resubmitFailed && (!options.status || options.executor !== 'slurm')) throw new InvalidInputError('--resubmit-failed goes with --status --executor slurm');
      if (options.status) {
        // Resubmitting, the submission is the command's result (stdout, --json); the status goes to stderr.
        const queue = options.executor === 'slurm' ? slurmQueue(options, budget) : undefined;
        await printStatus(findings, budget, planWorkers(options.jobs, Infinity).jobs, { ...(options.json ? { json: true } : {}), ...(options.resubmitFailed ? { toStderr: true } : {}), ...(queue ? { queue } : {}) });
        if (options.resubmitFailed) await reproduceOnSlurm(findings, budget, options, options.json);
        return;
      }
      if (options.executor === 'slurm') {
        await reproduceOnSlurm(findings, budget, options, options.json);
        return;
      }
      if (options.out !== undefined) checkWritableDir(options.out, '--out');
      // Where the runs go, first: the UI can be opened while they are logged, and a tracking URI fsnas
      // refuses fails now, not after the first finding.
      const tracking = await announceTrackingTarget('reproduce');
      // Smoke searches take about a second, less than a worker's start-up: one process unless asked (decision 0012).
      const workers = planWorkers(options.jobs ?? (budget === 'smoke' ? 1 : undefined), Infinity);
      const computing = findings.filter((f) => f.parallel);
      // The engine line first (as every computing command prints it), and on each computing run as tags:
      // results depend on the engine and on its thread count.
      const engine = computing.length > 0 ? await initBackend() : undefined;
      // One job computes here, with this process's engine threads (FSNAS_THREADS or every core).
      const threads = workers.jobs > 1 ? workers.threads : (engine?.threads ?? workers.threads);
      const engineTags = engine && computeEngineTags(engine, threads);
      // The paper budget's searches (F2) take days each without a GPU: said before the first one starts.
      const warning = budget === 'paper' && engine ? paperBudgetWarning(budget, engine.name, 'reproduce') : undefined;
      if (warning) process.stderr.write(`${warning}\n`);
      if (computing.length > 0) process.stderr.write(`fsnas reproduce: ${workers.jobs} worker(s) × ${threads} thread(s) for the ${computing.map((f) => f.id).join(', ')} runs\n`);
      const reports: FindingReport[] = [];
      for (const finding of findings) {
        process.stderr.write(`${finding.id} (${budget}): ${finding.describeBudget(budget)}\n`);
        const tags = finding.parallel && engineTags ? { tags: engineTags } : {};
        reports.push(await runFinding(finding, { budget, workers: reproduceWorkers(workers), ...tags, ...(options.out ? { outRoot: options.out } : {}) }));
      }
      const summary = {
        budget,
        mlflow_url: reports[0]?.experimentUrl ?? tracking.url,
        findings: reports.map((r) => ({ finding: r.finding, out_dir: r.outDir, pending_writes: r.pendingWrites, runs: r.runs })),
      };
      emit(options.json, summary, () =>
        [
          ...reports.map((r) => `${r.finding}: ${r.runs.filter((x) => x.status === 'finished').length} run(s) done, ${r.runs.filter((x) => x.status === 'skipped').length} already done (skipped); outputs in ${r.outDir}`),
          `MLflow UI: ${summary.mlflow_url}`,
          ...reports.filter((r) => r.pendingWrites > 0).map((r) => `${r.finding}: ${r.pendingWrites} write(s) queued; run 'npx fsnas mlflow sync' when the server is back`),
        ].join('\n'),
      );
    });
}

/** How far each finding is, from MLflow: the command's output, or (`toStderr`, before a resubmission) a note on stderr. */
async function printStatus(findings: readonly Finding[], budget: Budget, jobs: number, options: { json?: boolean; toStderr?: boolean; queue?: Map<string, QueuedRuns> }): Promise<void> {
  const client = await trackingClient();
  const statuses: (FindingStatus & { slurm?: { pending: number; running: number } })[] = [];
  for (const finding of findings) {
    const status = await findingStatus(finding, budget, client, { jobs: finding.parallel ? jobs : 1 });
    const states = [...(options.queue?.get(finding.id)?.runs.values() ?? [])];
    statuses.push(options.queue ? { ...status, slurm: { pending: states.filter((s) => s === 'PENDING').length, running: states.filter((s) => s !== 'PENDING').length } } : status);
  }
  const text = [
    ...statuses.map((s) => {
      const pace = s.medianRunSeconds === null ? 'no run finished yet, so no ETA' : `${formatSeconds(s.medianRunSeconds)} per finished run (median); ETA ${formatSeconds(s.etaSeconds as number)} with ${s.jobs} job(s)`;
      const queue = s.slurm ? `; Slurm: ${s.slurm.pending} task(s) pending, ${s.slurm.running} running` : '';
      return `${s.finding} (${budget}): ${s.finished}/${s.planned} finished, ${s.running} running (or interrupted), ${s.failed} failed, ${s.notStarted} not started; ${pace}${queue}`;
    }),
    `MLflow UI: ${client.url}`,
  ].join('\n');
  if (options.toStderr) process.stderr.write(`${text}\n`);
  else emit(options.json, { budget, mlflow_url: client.url, findings: statuses }, () => text);
}

/** The hidden worker of `reproduce --jobs N`: computes one planned run (a JSON WorkerTask) and writes its result file; never logs to MLflow. */
function registerReproduceWorker(program: Command): void {
  program
    .command(REPRODUCE_WORKER, { hidden: true })
    .argument('<task>', 'the WorkerTask as JSON')
    .action(async (text: string) => {
      const task = JSON.parse(text) as WorkerTask;
      // The task's own finding, not what --finding would add to it (a required splits stage comes first there).
      await executeWorkerTask(findFinding(task.finding, await discoverFindings()), task);
    });
}
