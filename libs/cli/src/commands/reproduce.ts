import { InvalidInputError } from '@fsnas/core';
import { BUDGETS, runFinding, type Budget, type FindingReport } from '@fsnas/experiments';
import { checkTrackingTarget, describeTrackingCheck } from '@fsnas/tracking';
import type { Command } from 'commander';
import { emit } from '../cli-kit';
import { selectFindings } from '../findings';

/** `fsnas reproduce`: the main job — run the paper's findings and log them to MLflow. */
export function registerReproduceCommand(program: Command): void {
  program
    .command('reproduce')
    .description("run the paper's findings as MLflow experiments (starts a local MLflow server unless MLFLOW_TRACKING_URI is set)")
    .option('--budget <preset>', `compute budget: ${BUDGETS.join(' | ')}`, 'laptop')
    .option('--finding <ids>', 'comma-separated findings to run (e.g. F1,F3); default all')
    .option('--out <dir>', 'folder for local outputs (default data/results)')
    .option('--json', 'print a JSON summary')
    .action(async (options: { budget: string; finding?: string; out?: string; json?: boolean }) => {
      if (!(BUDGETS as readonly string[]).includes(options.budget)) throw new InvalidInputError(`--budget must be one of ${BUDGETS.join(', ')}, got '${options.budget}'`);
      const budget = options.budget as Budget;
      const findings = selectFindings(options.finding);
      // Where the runs go, first: the UI can be opened while they are logged, and a tracking URI fsnas
      // refuses fails now, not after the first finding.
      const tracking = await checkTrackingTarget();
      process.stderr.write(`fsnas reproduce: ${describeTrackingCheck(tracking)}${tracking.reachable ? ' (runs appear there as they are logged)' : ''}\n`);
      const reports: FindingReport[] = [];
      for (const finding of findings) {
        process.stderr.write(`${finding.id} (${budget}): ${finding.describeBudget(budget)}\n`);
        reports.push(await runFinding(finding, { budget, ...(options.out ? { outRoot: options.out } : {}) }));
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
