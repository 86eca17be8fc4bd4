import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writableDataDir } from '@fsnas/core';
import { MlflowClient } from './client';
import { MlflowRequestError, MlflowUnavailableError } from './errors';
import { mlflowDir, startLocalServer } from './local-server';
import { authorizationFromEnv, parseTrackingUri } from './tracking-uri';

export interface ResolvedTarget {
  readonly url: string;
  /** True for the embedded local server (its URL may change between starts; its store does not). */
  readonly local: boolean;
  /** Folder of the journals for this store. */
  readonly journalDir: string;
}

/**
 * Where tracking goes: MLFLOW_TRACKING_URI when set (validated), else the local server under
 * `<data>/mlflow/`, started on demand. This is the embedded default: no configuration needed.
 */
export async function resolveTrackingUri(options: { env?: NodeJS.ProcessEnv; dataDir?: string; trackingUri?: string } = {}): Promise<ResolvedTarget> {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? writableDataDir(env);
  const explicit = options.trackingUri ?? env['MLFLOW_TRACKING_URI'];
  if (explicit !== undefined && explicit !== '') {
    const url = parseTrackingUri(explicit);
    return { url, local: false, journalDir: journalDirFor(dataDir, url) };
  }
  const { url } = await startLocalServer({ dataDir });
  return { url, local: true, journalDir: journalDirFor(dataDir, undefined) };
}

/**
 * Journals are kept per store: the local server's journal survives its port changing; a remote
 * server's is keyed by its URL, so writes never replay to a different server.
 */
export function journalDirFor(dataDir: string, remoteUrl: string | undefined): string {
  const base = join(mlflowDir(dataDir), 'journal');
  if (remoteUrl === undefined) return join(base, 'local');
  return join(base, `remote-${createHash('sha256').update(remoteUrl).digest('hex').slice(0, 12)}`);
}

export interface TrackingCheck extends ResolvedTarget {
  /** Whether the server answered the probe. When it did not, writes will queue in `journalDir`. */
  readonly reachable: boolean;
  /** Why it is unreachable. */
  readonly detail?: string;
}

/**
 * Check where tracking will go before any work, so a long job never learns at its end that its results
 * cannot be logged. Throws for a tracking URI fsnas cannot use (InvalidTrackingUriError), a local
 * server that cannot start (LocalServerError), and a server that refuses us (MlflowRequestError, e.g.
 * HTTP 401/403). An unreachable server is not an error: the durable journal queues the writes until it
 * answers (next run, or `fsnas mlflow sync`); `describeTrackingCheck` says so in one line.
 */
export async function checkTrackingTarget(options: { env?: NodeJS.ProcessEnv; dataDir?: string; trackingUri?: string; experiment?: string } = {}): Promise<TrackingCheck> {
  const env = options.env ?? process.env;
  const target = await resolveTrackingUri(options);
  const authorization = authorizationFromEnv(env);
  const client = new MlflowClient(authorization ? { url: target.url, authorization } : { url: target.url }, { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000, timeoutMs: 10_000 });
  try {
    await client.getExperimentByName(options.experiment ?? 'Default');
    return { ...target, reachable: true };
  } catch (error) {
    if (error instanceof MlflowUnavailableError) return { ...target, reachable: false, detail: error.detail };
    if (error instanceof MlflowRequestError) {
      throw new MlflowRequestError(error.status, error.errorCode, `the tracking server ${target.url} (checked before starting)`, error.message);
    }
    throw error;
  }
}

/** One line for stderr: the UI URL, or that the server is unreachable and what happens to the writes. */
export function describeTrackingCheck(check: TrackingCheck): string {
  if (check.reachable) return `MLflow UI: ${check.url}`;
  return `MLflow at ${check.url} is unreachable now (${check.detail ?? 'no answer'}); the work runs anyway, its MLflow writes queue in ${check.journalDir} and are sent when the server answers (by the next run, or: npx fsnas mlflow sync)`;
}
