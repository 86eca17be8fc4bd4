import { BUDGETS, InvalidInputError, checkWritableDir, parseBudget } from '@fsnas/core';
import { discoverFindings, findFinding, planEntries, runFinding, selectPlannedRun } from '@fsnas/experiments';
import { initBackend } from '@fsnas/nn';
import type { Command } from 'commander';
import { emit } from '../cli-kit';
import { announceTrackingTarget, computeEngineTags } from './run-context';

/**
 * `fsnas run <finding> --run <index|key|name>`: exactly one planned run of a finding, through the
 * same runner as `reproduce` (skipped when FINISHED under its run key, resumed from its checkpoint
 * when interrupted), so a job-array task and a local `reproduce` cannot drift apart.
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description("run one planned run of a finding (skipped when already FINISHED in MLflow, resumed when interrupted); logs to MLFLOW_TRACKING_URI or the local server. --list prints the plan")
    .argument('<finding>', 'a finding id or its F<n> prefix (e.g. F2a)')
    .option('--budget <preset>', `compute budget: ${BUDGETS.join(' | ')}`, 'laptop')
    .option('--run <which>', "the planned run: its index in the plan (0, 1, …; a job array's SLURM_ARRAY_TASK_ID), its run key (or a unique prefix of ≥ 8 hex digits) or its name")
    .option('--list', 'print the plan (index, run key, name) and exit; starts nothing')
    .option('--out <dir>', 'folder for local outputs (default data/results)')
    .option('--json', 'print a JSON summary')
    .action(async (id: string, options: { budget: string; run?: string; list?: boolean; out?: string; json?: boolean }) => {
      const budget = parseBudget(options.budget, '--budget');
      const finding = findFinding(id, await discoverFindings());
      if (options.list) {
        const entries = planEntries(finding, budget);
        emit(options.json, { finding: finding.id, budget, runs: entries }, () => entries.map((e) => `${e.index}\t${e.key.slice(0, 12)}\t${e.name}`).join('\n'));
        return;
      }
      if (options.run === undefined) throw new InvalidInputError(`fsnas run ${finding.id}: say which planned run with --run <index|key|name> (--list shows the plan)`);
      const index = selectPlannedRun(finding, budget, options.run);
      if (options.out !== undefined) checkWritableDir(options.out, '--out');
      await announceTrackingTarget('run');
      const engine = finding.parallel ? await initBackend() : undefined;
      const report = await runFinding(finding, {
        budget,
        only: [index],
        source: 'fsnas run',
        ...(engine ? { tags: computeEngineTags(engine, engine.threads) } : {}),
        ...(options.out ? { outRoot: options.out } : {}),
      });
      const [run] = report.runs;
      emit(options.json, { finding: report.finding, budget, index, mlflow_url: report.experimentUrl, out_dir: report.outDir, pending_writes: report.pendingWrites, run }, () =>
        [`${report.finding} run ${index} '${run?.name}': ${run?.status === 'skipped' ? 'already FINISHED (skipped)' : run?.resumed ? 'resumed and finished' : 'finished'} (MLflow run ${run?.runId})`, `MLflow UI: ${report.experimentUrl}`].join('\n'),
      );
    });
}
