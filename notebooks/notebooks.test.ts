import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@fsnas/core';
import { f1Finding } from '@fsnas/experiment-f1-split-diversity';
import { f2Finding } from '@fsnas/experiment-f2-oneshot-on-splits';
import { finding as f3Finding } from '@fsnas/finding-f3-distribution';
import { f4Finding } from '@fsnas/experiment-f4-selection';
import { runFinding, type Finding } from '@fsnas/experiments';
import { SERVER_HOOK_TIMEOUT_MS, ensurePythonEnv, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every notebook runs headlessly in the real tslab kernel, through Jupyter (nbclient), against a real
// MLflow server holding the smoke-budget runs of the findings, as a user would after `reproduce`.
let server: TestServer;
let dataDir: string;
beforeAll(async () => {
  server = await startTestServer('fsnas-notebooks-test-');
  dataDir = mkdtempSync(join(tmpdir(), 'fsnas-notebooks-data-'));
  const tracker = { trackingUri: server.url, dataDir: server.dataDir };
  for (const finding of [f1Finding, f2Finding, f3Finding, f4Finding] as Finding[]) {
    await runFinding(finding, { budget: 'smoke', tracker, outRoot: join(dataDir, 'results') });
  }
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => server?.stop(), 60_000);

const NOTEBOOKS = readdirSync(__dirname).filter((f) => f.endsWith('.ipynb')).sort();

describe('notebooks', () => {
  it('include one per finding and the template', () => {
    expect(NOTEBOOKS).toEqual(['F1-split-diversity.ipynb', 'F2-oneshot-on-splits.ipynb', 'F3-distribution.ipynb', 'F4-selection.ipynb', 'template-new-analysis.ipynb']);
  });

  it.each(NOTEBOOKS)('%s executes without a cell error and writes its figures as HTML and PNG', async (notebook) => {
    const python = await ensurePythonEnv();
    const executed = join(dataDir, 'executed');
    // Asynchronous: a blocking spawn would starve the test worker's RPC for the minute a kernel runs.
    const result = await promisify(execFile)(python.python, [join(workspaceRoot(), 'tools', 'notebooks', 'execute.py'), executed, join(__dirname, notebook)], {
      env: { ...process.env, MLFLOW_TRACKING_URI: server.url, FSNAS_DATA_DIR: dataDir, FSNAS_QUIET: '1' },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}\nFAILED (non-zero exit)` }));
    process.stdout.write(result.stdout);
    expect(result.stderr + result.stdout).not.toMatch(/FAILED/);
    // Every notebook reads one budget and says which (here the smoke runs are all there is).
    if (notebook.startsWith('F')) expect(readFileSync(join(executed, notebook), 'utf8')).toMatch(/budget smoke \(the largest logged; logged: smoke\)/);
    const figures = join(dataDir, 'notebooks', notebook.replace('.ipynb', ''));
    const files = readdirSync(figures);
    expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    // One plotly.min.js beside the figures, which load it by relative path.
    expect(files.filter((f) => f.endsWith('.js'))).toEqual(['plotly.min.js']);
    for (const html of files.filter((f) => f.endsWith('.html'))) expect(readFileSync(join(figures, html), 'utf8')).toContain('<script src="./plotly.min.js">');
    const pngs = files.filter((f) => f.endsWith('.png'));
    expect(pngs.length).toBeGreaterThan(0);
    for (const png of pngs) expect(statSync(join(figures, png)).size).toBeGreaterThan(10_000);
  });
});
