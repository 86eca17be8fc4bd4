import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@fsnas/core';
import { createRunInputs, discoverFindings, findingFolders, runFinding } from '@fsnas/experiments';
import { SERVER_HOOK_TIMEOUT_MS, ensurePythonEnv, startTestServer, type TestServer } from '@fsnas/tracking';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every notebook (each finding folder's, and the template's here) runs headlessly in the real tslab
// kernel, through Jupyter (nbclient), against a real MLflow server holding the smoke-budget runs of
// every finding, the splits stage first, as a user would after `reproduce`.
let server: TestServer;
let dataDir: string;
beforeAll(async () => {
  server = await startTestServer('fsnas-notebooks-test-');
  dataDir = mkdtempSync(join(tmpdir(), 'fsnas-notebooks-data-'));
  const tracker = { trackingUri: server.url, dataDir: server.dataDir };
  // The splits stage's trees go to this data folder's cache, where the findings after it read them.
  const env = { ...process.env, FSNAS_DATA_DIR: dataDir };
  for (const finding of await discoverFindings()) {
    await runFinding(finding, { budget: 'smoke', tracker, outRoot: join(dataDir, 'results'), inputs: createRunInputs(env) });
  }
}, SERVER_HOOK_TIMEOUT_MS);
afterAll(async () => server?.stop(), 60_000);

const NOTEBOOKS = [...findingFolders().flatMap((f) => f.notebooks.map((n) => join(f.dir, n))), ...readdirSync(__dirname).filter((f) => f.endsWith('.ipynb')).map((f) => join(__dirname, f))];

describe('notebooks', () => {
  it('include one per paper finding, beside its code, and the template', () => {
    expect(NOTEBOOKS.map((n) => basename(n))).toEqual(['F1-split-diversity.ipynb', 'F2-oneshot-on-splits.ipynb', 'F2a-collapse.ipynb', 'F3-distribution.ipynb', 'F4-selection.ipynb', 'template-new-analysis.ipynb']);
  });

  it.each(NOTEBOOKS.map((path) => ({ notebook: basename(path), path })))('$notebook executes without a cell error and writes its figures as HTML and PNG', async ({ notebook, path }) => {
    const python = await ensurePythonEnv();
    const executed = join(dataDir, 'executed');
    // Asynchronous: a blocking spawn would starve the test worker's RPC for the minute a kernel runs.
    const result = await promisify(execFile)(python.python, [join(workspaceRoot(), 'tools', 'notebooks', 'execute.py'), executed, path], {
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
