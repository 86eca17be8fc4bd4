import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFsnasWithEnv } from './testing';

// Inputs the robustness matrix (tools/robustness, issue 14) found ending as a crash (exit 3), a hang
// or a silent exit 0: each is now a one-line typed error naming the bad value, before any work.
const dir = mkdtempSync(join(tmpdir(), 'fsnas-bad-input-'));
mkdirSync(join(dir, 'a-folder'));
writeFileSync(join(dir, 'empty.txt'), '');
const at = (name: string) => join(dir, name);

describe('bad input is a typed error', () => {
  it.each([
    // usage errors (exit 2): every numeric option goes through cli-kit's numericOption
    [['bench', 'tables', '--repeats', '0'], 2, "argument '0' is invalid"],
    [['bench', 'search', '--steps', '-1'], 2, "argument '-1' is invalid"],
    [['net', 'params', 'supernet', '--C', '0'], 2, "argument '0' is invalid"],
    [['net', 'params', 'supernet', '--classes', '-5'], 2, "argument '-5' is invalid"],
    [['analyze', 'selection', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '0'], 2, "argument '0' is invalid"],
    [['analyze', 'selection', '--source', 'paper', '--dataset', 'cifar10', '--budget', '-5'], 2, "argument '-5' is invalid"],
    [['metrics', 'score', '--metric', 'num_params', '--archs', at('empty.txt'), '--seed', '-1'], 2, "argument '-1' is invalid"],
    [['metrics', 'validate', '--sample', '0'], 2, "argument '0' is invalid"],
    [['metrics', 'validate', '--jobs', '1.5'], 2, "argument '1.5' is invalid"],
    [['validate', 'torch', '--archs', '0'], 2, "argument '0' is invalid"],
    [['search', '--algo', 'darts', '--mask', 'full', '--seed', '-1'], 2, "argument '-1' is invalid"],
    // input errors (exit 1)
    [['metrics', 'score', '--metric', 'num_params', '--archs', at('a-folder')], 1, `--archs: '${at('a-folder')}' is a directory, not a file`],
    [['metrics', 'score', '--metric', 'num_params', '--archs', at('missing.txt')], 1, `--archs: cannot read '${at('missing.txt')}' (no such file)`],
    [['metrics', 'score', '--metric', 'num_params', '--archs', at('empty.txt')], 1, 'no NB201 index in it'],
    [['bench', 'nn', '--no-peer', '--backends', 'wasm', '--workloads', 'bogus'], 1, "unknown workload 'bogus'"],
    [['data', 'fetch', 'cifar10', '--archive', at('a-folder')], 1, `--archive: '${at('a-folder')}' is a directory`],
    [['split', '--metric', 'synflow', '--out', '/proc/fsnas/s.json'], 1, "--out: cannot write '/proc/fsnas/s.json': its folder '/proc/fsnas' cannot be written (ENOENT)"],
    [['split', '--metric', 'synflow', '--out', at('a-folder')], 1, 'is a directory; give a file path'],
    [['analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--no-png', '--out', '/proc/fsnas/figs'], 1, "--out: cannot write to '/proc/fsnas/figs'"],
    [['arch', '99999999999999999999'], 1, '"99999999999999999999"'],
    // one planned run, and the cluster executor: each bad value named before anything is submitted
    [['run', 'F3', '--budget', 'smoke', '--run', '99'], 1, 'F3-distribution (smoke) plans 6 run(s), indices 0–5; got index 99'],
    [['run', 'F3', '--budget', 'smoke', '--run', 'cifar10/nothing'], 1, "plans no run with index, run key or name 'cifar10/nothing'"],
    [['run', 'F9', '--list'], 1, "F9"],
    [['reproduce', '--budget', 'smoke', '--executor', 'slurm'], 1, '--executor slurm needs --shared-dir <dir>'],
    [['reproduce', '--budget', 'smoke', '--executor', 'slurm', '--shared-dir', at('a-folder'), '--time', '4h'], 1, "--time '4h' is not a Slurm time"],
    [['reproduce', '--budget', 'smoke', '--executor', 'cloud'], 2, "argument 'cloud' is invalid"],
    [['reproduce', '--budget', 'smoke', '--resubmit-failed'], 1, '--resubmit-failed goes with --status --executor slurm'],
    // the hardware term of search: the column, λ, the target and an algorithm without α, each named
    [['search', '--algo', 'darts', '--mask', 'full', '--hw', 'edgegpu_speed'], 1, "--hw must be one of edgegpu_latency"],
    [['search', '--algo', 'darts', '--mask', 'full', '--hw', 'edgegpu_latency', '--hw-lambda', '-1'], 2, "argument '-1' is invalid"],
    [['search', '--algo', 'darts', '--mask', 'full', '--hw', 'edgegpu_latency', '--hw-target', '0ms'], 1, "--hw-target must be a positive cost such as 5 or 5ms, got '0ms'"],
    [['search', '--algo', 'rsps', '--mask', 'full', '--hw', 'edgegpu_latency'], 1, 'a hardware term needs architecture weights; rsps samples uniformly and has none'],
    [['analyze', 'hw-model', '--dataset', 'mnist'], 1, "--dataset must be one of cifar10, cifar100, ImageNet16-120, got 'mnist'"],
    // one budget type (libs/core budget.ts): every budget flag names itself, the value and the choices
    [['reproduce', '--budget', 'huge'], 1, "fsnas: --budget must be one of smoke, laptop, medium, paper, got 'huge'"],
    [['search', '--algo', 'darts', '--mask', 'full', '--budget', 'tiny'], 1, "fsnas: --budget must be one of smoke, laptop, medium, paper, got 'tiny'"],
    [['split', '--metric', 'synflow', '--warmup', 'long'], 1, "fsnas: --warmup must be one of smoke, laptop, medium, paper, got 'long'"],
  ])('%j exits %i naming the value', async (args, status, message) => {
    const r = await runFsnasWithEnv({ FSNAS_DATA_DIR: dir, FSNAS_DEBUG: undefined }, ...(args as string[]));
    expect(r.status, r.stderr).toBe(status);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('reproduce --out that cannot be written fails before the tracking target is even checked', async () => {
    const r = await runFsnasWithEnv({ FSNAS_DATA_DIR: dir, MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' }, 'reproduce', '--budget', 'smoke', '--finding', 'F3', '--out', '/proc/fsnas/out');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("fsnas: --out: cannot write to '/proc/fsnas/out' (ENOENT)");
  });

  it('mlflow sync to a server that cannot be reached is an error saying nothing was sent, not a silent success', async () => {
    const r = await runFsnasWithEnv({ FSNAS_DATA_DIR: dir, MLFLOW_TRACKING_URI: 'http://127.0.0.1:1' }, 'mlflow', 'sync');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^fsnas: sync: MLflow at http:\/\/127\.0\.0\.1:1 is unreachable .*nothing was sent/m);
  });

  it('FSNAS_DEBUG=0 prints no stack trace', async () => {
    const r = await runFsnasWithEnv({ FSNAS_DATA_DIR: dir, FSNAS_DEBUG: '0' }, 'mask', '[[2]]');
    expect(r.status).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
