import { FsnasError } from '@fsnas/core';
import { MlflowClient, authorizationFromEnv, localServerStatus, resolveTrackingUri, startLocalServer, stopLocalServer, syncJournals } from '@fsnas/tracking';
import type { Command } from 'commander';
import { emit } from '../cli-kit';

/** `fsnas mlflow up|down|status|sync`: the local tracking server and the journal of queued writes. */
export function registerMlflowCommand(program: Command): void {
  const mlflow = program.command('mlflow').description('local MLflow server (UI) and replay of queued tracking writes');

  mlflow
    .command('up')
    .description('start the local MLflow server (sqlite store and artifacts under data/mlflow/) and print the UI URL')
    .option('--json', 'print {"running": true, "url": ...}')
    .action(async (options: { json?: boolean }) => {
      const started = Date.now();
      const { url, alreadyRunning } = await startLocalServer();
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      emit(options.json, { running: true, url }, () =>
        [
          alreadyRunning ? `MLflow is already running: ${url}` : `MLflow UI: ${url} (started in ${seconds}s)`,
          ...(process.env['MLFLOW_TRACKING_URI'] ? [`note: MLFLOW_TRACKING_URI is set, so fsnas logs to ${process.env['MLFLOW_TRACKING_URI']}, not here`] : []),
        ].join('\n'),
      );
    });

  mlflow
    .command('down')
    .description('stop the local MLflow server')
    .option('--json', 'print {"stopped": bool}')
    .action(async (options: { json?: boolean }) => {
      const { stopped } = await stopLocalServer();
      emit(options.json, { stopped }, () => (stopped ? 'MLflow server stopped' : 'MLflow server was not running'));
    });

  mlflow
    .command('status')
    .description('whether the local MLflow server runs, and its URL')
    .option('--json', 'print {"running": bool, "url": "http://127.0.0.1:PORT"}')
    .action(async (options: { json?: boolean }) => {
      const { running, url } = await localServerStatus();
      emit(options.json, { running, url }, () => (running ? `running: ${url}` : `not running${url ? ` (last URL ${url})` : ''}; start it with: npx fsnas mlflow up`));
    });

  mlflow
    .command('sync')
    .description('replay tracking writes queued while the server was unreachable (MLFLOW_TRACKING_URI, else the local server)')
    .option('--json', 'print the sync report')
    .action(async (options: { json?: boolean }) => {
      const target = await resolveTrackingUri();
      const authorization = authorizationFromEnv();
      const client = new MlflowClient(authorization ? { url: target.url, authorization } : { url: target.url });
      const report = await syncJournals(target.journalDir, client);
      const { failed, ...summary } = report;
      emit(options.json, { url: target.url, ...summary, failed: failed.map(({ file, kind, error }) => ({ file, kind, error })) }, () =>
        [
          `${target.url}: sent ${report.sent} queued write(s) from ${report.files} journal file(s); ${report.pending} still pending`,
          ...(report.skippedLive > 0 ? [`${report.skippedLive} journal(s) belong to running commands and were left to them`] : []),
          ...failed.map((f) => `refused ${f.kind} (journal moved to refused/ beside ${f.file}): ${f.error}`),
        ].join('\n'),
      );
      if (report.unavailable) throw new FsnasError('MLFLOW_UNAVAILABLE', `sync stopped: ${report.unavailable}`);
      if (failed.length > 0) throw new FsnasError('MLFLOW_SYNC_REFUSED', `${failed.length} queued write(s) were refused by the server (listed above)`);
    });
}
