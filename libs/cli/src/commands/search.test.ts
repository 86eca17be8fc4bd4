import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS } from '@fsnas/nn';
import { MlflowClient, SERVER_HOOK_TIMEOUT_MS, freePort, startLocalServer, stopLocalServer } from '@fsnas/tracking';
import { afterAll, describe, expect, it } from 'vitest';
import { runFsnasWithEnv } from '../testing';
import { paperBudgetWarning, parseMaskArgument } from './search';

describe('fsnas search --mask', () => {
  it('accepts full and a JSON 0/1 matrix', () => {
    expect(parseMaskArgument('full').size).toBe(15625);
    expect(parseMaskArgument('[[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1],[1,1,1,1,1]]').size).toBe(5);
  });

  it('rejects malformed masks and missing split files with one-line typed errors', () => {
    expect(() => parseMaskArgument('[[1,1]]')).toThrow(/6x5/);
    expect(() => parseMaskArgument('nope')).toThrow(/--mask must be/);
    expect(() => parseMaskArgument('/no/such/split.json:3')).toThrow("--mask: cannot read '/no/such/split.json' (no such file)");
    expect(() => parseMaskArgument(`${tmpdir()}:0`)).toThrow(`--mask: '${tmpdir()}' is a directory, not a file`);
  });
});

describe('fsnas search --fidelity', () => {
  it.each([
    [['--fidelity', 'spec!'], "fsnas: --fidelity must be published or reference (legacy: none, naslib, spec), got 'spec!'"],
    [['--compat', 'bogus'], "fsnas: --compat must be published or reference (legacy: none, naslib, spec), got 'bogus'"],
    [['--fidelity', 'published', '--compat', 'spec'], 'fsnas: --compat is the old name of --fidelity: give one of them, not both'],
  ])('refuses %j in one line, before any data is loaded', async (args, message) => {
    const r = await runFsnasWithEnv({ FSNAS_DATA_DIR: mkdtempSync(join(tmpdir(), 'fsnas-search-fidelity-')) }, 'search', '--algo', 'darts', '--mask', 'full', ...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([message]);
  });

  it('lists --fidelity in its help, not the hidden --compat', async () => {
    const help = await runFsnasWithEnv({}, 'search', '--help');
    expect(help.stdout).toMatch(/--fidelity <fidelity>\s+published\|reference \(default published\)/);
    expect(help.stdout).not.toContain('--compat');
  });
});

describe('fsnas search on the paper budget without a GPU', () => {
  it('warns in one line, pointing to the GPU build and to a cluster, only for paper on a non-GPU backend', () => {
    for (const backend of BACKENDS.filter((b) => b !== 'node-gpu')) {
      const warning = paperBudgetWarning('paper', backend);
      expect(warning).toMatch(new RegExp(`^fsnas search: warning: the paper budget on the ${backend} backend \\(no GPU\\)`));
      expect(warning).toMatch(/FSNAS_BACKEND=node-gpu/);
      expect(warning).toMatch(/docs\/decisions\/0009-tfjs-backends\.md/);
      expect(warning).toMatch(/tools\/setup\/tfjs-node-gpu\.sh/);
      expect(warning).toMatch(/cluster/);
      expect(warning).not.toMatch(/\n/);
    }
    expect(paperBudgetWarning('paper', 'node-gpu')).toBeUndefined();
    // reproduce runs the same searches (F2) and says so with its own name
    expect(paperBudgetWarning('paper', 'wasm', 'reproduce')).toMatch(/^fsnas reproduce: warning: the paper budget on the wasm backend \(no GPU\)/);
    for (const backend of BACKENDS) {
      expect(paperBudgetWarning('smoke', backend)).toBeUndefined();
      expect(paperBudgetWarning('laptop', backend)).toBeUndefined();
    }
  });
});

describe('fsnas search --mlflow checks the tracking target before the search', () => {
  // One data folder for the file: its CIFAR decode cache is built once.
  const dataDir = mkdtempSync(join(tmpdir(), 'fsnas-search-mlflow-'));
  const storeDir = mkdtempSync(join(tmpdir(), 'fsnas-search-store-'));
  // --fidelity published: the run is named, tagged and keyed by search's persisted token, spec.
  const smoke = ['search', '--algo', 'darts', '--mask', 'full', '--budget', 'smoke', '--fidelity', 'published', '--mlflow', '--json'];
  afterAll(async () => {
    await stopLocalServer({ dataDir: storeDir, graceMs: 5000 });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(storeDir, { recursive: true, force: true });
  }, 60_000);

  it('refuses a tracking URI it cannot log to at once, before any data is loaded or any epoch is run', async () => {
    const result = await runFsnasWithEnv({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: 'file:///tmp/mlruns' }, ...smoke);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/invalid MLflow tracking URI 'file:\/\/\/tmp\/mlruns': scheme 'file:' is not supported/);
    expect(result.stderr).not.toMatch(/epoch|decode/);
    expect(result.stdout).toBe('');
  });

  it('with the server unreachable: says at the start that writes will queue, writes the result file before logging, and the queue reaches the server later', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const out = join(dataDir, 'results');
    const result = await runFsnasWithEnv({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: url }, ...smoke, '--out', out);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    const notice = lines.findIndex((l) => l.startsWith(`fsnas search: MLflow at ${url} is unreachable now`));
    const firstEpoch = lines.findIndex((l) => l.startsWith('fsnas search: epoch 1/'));
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice).toBeLessThan(firstEpoch);
    const printed = JSON.parse(result.stdout) as { result_file: string; derived: string; mlflow_run_id: string };
    expect(printed.result_file.startsWith(join(out, 'darts-spec-smoke-seed888-'))).toBe(true);
    expect(JSON.parse(readFileSync(printed.result_file, 'utf8'))).toMatchObject({ algo: 'darts', budget: 'smoke', derived: printed.derived });
    expect(readdirSync(out).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(printed.mlflow_run_id).toMatch(/^local:/);

    // The server comes up at that address: a sync sends the queued run, with its tags and the result file.
    await startLocalServer({ dataDir: storeDir, port });
    const sync = await runFsnasWithEnv({ FSNAS_DATA_DIR: dataDir, MLFLOW_TRACKING_URI: url }, 'mlflow', 'sync', '--json');
    expect(sync.status, sync.stderr).toBe(0);
    const client = new MlflowClient(url);
    const experiment = await client.getExperimentByName('search');
    const [run, ...others] = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
    expect(others).toEqual([]);
    const tags = Object.fromEntries(run!.tags.map((t) => [t.key, t.value]));
    expect(tags).toMatchObject({ 'mlflow.runName': 'darts-smoke-spec', 'mlflow.source.name': 'fsnas search', 'mlflow.source.type': 'LOCAL', budget: 'smoke', derived: printed.derived });
    expect(tags['mlflow.note.content']).toBe('darts (spec) on 15625 architectures, smoke budget, seed 888');
    expect(experiment?.tags.find((t) => t.key === 'mlflow.note.content')?.value).toMatch(/fsnas search --mlflow/);
    expect(JSON.parse(await client.downloadArtifact(run!.info, 'result.json'))).toEqual(JSON.parse(readFileSync(printed.result_file, 'utf8')));
    expect(existsSync(printed.result_file)).toBe(true);
  }, SERVER_HOOK_TIMEOUT_MS);
});
