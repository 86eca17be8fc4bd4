import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writableDataDir } from '@fsnas/core';
import { mlflowDir, startLocalServer } from './local-server';
import { parseTrackingUri } from './tracking-uri';

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
