import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTrackingUriError } from './errors';
import { freePort } from './local-server';
import { checkTrackingTarget, describeTrackingCheck, journalDirFor } from './target';
import { SERVER_HOOK_TIMEOUT_MS, startTestServer, type TestServer } from './test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('fsnas-target-test-');
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => server?.stop(), 60_000);

describe('checkTrackingTarget (before any work)', () => {
  it('refuses a URI fsnas cannot log to, at once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-target-'));
    await expect(checkTrackingTarget({ dataDir, trackingUri: 'file:///tmp/mlruns' })).rejects.toThrow(InvalidTrackingUriError);
    await expect(checkTrackingTarget({ dataDir, env: { MLFLOW_TRACKING_URI: 'sqlite:///x.db' } })).rejects.toThrow(/scheme 'sqlite:' is not supported/);
  });

  it('reports a reachable server by its UI URL', async () => {
    const check = await checkTrackingTarget({ dataDir: server.dataDir, trackingUri: server.url, experiment: 'search' });
    expect(check).toMatchObject({ url: server.url, local: false, reachable: true });
    expect(describeTrackingCheck(check)).toBe(`MLflow UI: ${server.url}`);
  });

  it('decides, up front, that writes to an unreachable server queue in the journal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-target-'));
    const url = `http://127.0.0.1:${await freePort()}`;
    const check = await checkTrackingTarget({ dataDir, trackingUri: url });
    expect(check).toMatchObject({ url, reachable: false, journalDir: journalDirFor(dataDir, url) });
    expect(describeTrackingCheck(check)).toMatch(/unreachable now .* queue in .*remote-[0-9a-f]{12} .*npx fsnas mlflow sync/);
  });
});
