import { hostname } from 'node:os';
import { FsnasError } from '@fsnas/core';
import { MlflowClient, authorizationFromEnv, checkTrackingTarget, localServerStatus, startLocalServer, stopLocalServer, syncJournals } from '@fsnas/tracking';
import { InvalidArgumentError, type Command } from 'commander';
import { emit, numericOption } from '../cli-kit';

/** A TCP port for --port: 1…65535. */
function parsePort(value: string): number {
  const port = numericOption.positiveInteger(value);
  if (port > 65535) throw new InvalidArgumentError(`expected a port in [1, 65535], got '${value}'`);
  return port;
}

/** `fsnas mlflow up|down|status|sync`: the local tracking server and the journal of queued writes. */
export function registerMlflowCommand(program: Command): void {
  const mlflow = program.command('mlflow').description('local MLflow server (UI) and replay of queued tracking writes');

  mlflow
    .command('up')
    .description('start the local MLflow server (sqlite store and artifacts under data/mlflow/) and print the UI URL; a running one is reused')
    .option('--port <n>', 'serve on this port from now on (recorded in data/mlflow/server.json); default: the recorded port, else a free one chosen once', parsePort)
    .option('--host <addr>', "listen on this address from now on (recorded): 127.0.0.1 (default) or 0.0.0.0 on a cluster's login node, so array tasks on other nodes reach it")
    .option('--json', 'print {"running": true, "url": ..., "pid": ..., "already_running": bool}')
    .action(async (options: { port?: number; host?: string; json?: boolean }) => {
      const started = Date.now();
      const { url, pid, alreadyRunning } = await startLocalServer({ ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}) });
      const listening = options.host !== undefined && options.host !== '127.0.0.1' ? [`listening on ${options.host}: other machines reach it at http://${hostname()}:${new URL(url).port} (set that as MLFLOW_TRACKING_URI)`] : [];
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      emit(options.json, { running: true, url, pid, already_running: alreadyRunning }, () =>
        [
          alreadyRunning ? `MLflow is already running: ${url} (pid ${pid})` : `MLflow UI: ${url} (pid ${pid}, started in ${seconds}s)`,
          ...listening,
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
    .option('--json', 'print {"running": bool, "url": "http://127.0.0.1:PORT", "pid": n, "pgid": n} (pid and pgid while it runs)')
    .action(async (options: { json?: boolean }) => {
      const { running, url, pid, pgid } = await localServerStatus();
      emit(options.json, { running, url, ...(pid === undefined ? {} : { pid, pgid }) }, () =>
        running ? `running: ${url} (pid ${pid}, process group ${pgid})` : `not running${url ? ` (last URL ${url})` : ''}; start it with: npx fsnas mlflow up`,
      );
    });

  mlflow
    .command('sync')
    .description('replay tracking writes queued while the server was unreachable (MLFLOW_TRACKING_URI, else the local server)')
    .option('--json', 'print the sync report')
    .action(async (options: { json?: boolean }) => {
      // Checked first, as before any work: a URI fsnas refuses, or a server that refuses us (403), fails here.
      const target = await checkTrackingTarget();
      if (!target.reachable) {
        throw new FsnasError('MLFLOW_UNAVAILABLE', `sync: MLflow at ${target.url} is unreachable (${target.detail ?? 'no answer'}); nothing was sent, the queued writes stay in ${target.journalDir}`);
      }
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
