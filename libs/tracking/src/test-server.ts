import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, stopLocalServer } from './local-server';

/**
 * A real MLflow server on a free loopback port with its own temporary store, for tests. The first
 * use may build the Python venv (minutes); hooks using this need long timeouts.
 */
export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startTestServer(prefix = 'fsnas-mlflow-test-'): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const { url } = await startLocalServer({ dataDir });
  return {
    url,
    dataDir,
    async stop() {
      await stopLocalServer({ dataDir, graceMs: 5000 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Setup-time budget for hooks that may create the venv and start a server. */
export const SERVER_HOOK_TIMEOUT_MS = 900_000;
