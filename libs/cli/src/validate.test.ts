import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { peerPython } from '@fsnas/nn';
import { runFsnas as fsnas } from './testing';

describe('fsnas validate splits', () => {
  it("compares a computed split with the paper's level by level, and reuses the finished tree on a rerun", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-validate-'));
    const r = await fsnas('validate', 'splits', '--metrics', 'num_params', '--dir', dir, '--json');
    expect(r.status).toBe(0);
    const { rows, computed } = JSON.parse(r.stdout) as { computed: string[]; rows: { metric: string; same_leaves_in_order: boolean; level_distances: number[]; timing: { seconds: number; resumed: boolean; backend: string } }[] };
    expect(computed).toEqual(['num_params']);
    // num_params depends on neither data nor initialisation: an exact-match target (linear_regions: splitter.test.ts).
    expect(rows.map((row) => row.metric)).toEqual(['num_params']);
    for (const row of rows) {
      expect(row).toMatchObject({ same_leaves_in_order: true, level_distances: [0, 0, 0] });
      expect(row.timing).toMatchObject({ resumed: false, backend: expect.stringMatching(/^(wasm|cpu|node|node-gpu)$/) });
    }
    expect(readdirSync(dir).sort()).toEqual(['num_params.json', 'num_params.timing.json']);
    const again = await fsnas('validate', 'splits', '--metrics', 'num_params', '--dir', dir);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/num_params\s+true\s+true\s+0\.00 \/ 0\.00 \/ 0\.00/);
    expect(again.stderr).not.toMatch(/split num_params/); // reused, not recomputed
  });

  it('names the available metrics for one the paper did not split with', async () => {
    const r = await fsnas('validate', 'splits', '--metrics', 'fisher');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no CIFAR-10 split for 'fisher'; available: gradient_matching, .*num_params/);
  });
});

describe('fsnas validate torch', () => {
  it('compares a proxy with PyTorch on the same weights and batch, or says how to install torch', async () => {
    const r = await fsnas('validate', 'torch', '--archs', '1', '--metrics', 'grad_norm', '--batch-size', '8', '--json');
    if (peerPython() === undefined) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/no Python with torch: run .*requirements\.txt/);
      return;
    }
    expect(r.status).toBe(0);
    const check = JSON.parse(r.stdout) as { rows: { loss: [number, number] }[]; max_relative_difference: { grad_norm: number } };
    expect(check.rows).toHaveLength(1);
    expect(Math.abs((check.rows[0] as { loss: [number, number] }).loss[0] - (check.rows[0] as { loss: [number, number] }).loss[1])).toBeLessThan(1e-4);
    expect(check.max_relative_difference.grad_norm).toBeLessThan(1e-3);
  });

  it('refuses a metric without a PyTorch peer', async () => {
    const r = await fsnas('validate', 'torch', '--metrics', 'zen');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/no PyTorch peer for 'zen'; checked: grad_norm, snip, grasp/);
  });
});

describe('fsnas validate metrics --jobs', () => {
  const table = (stdout: string) => (JSON.parse(stdout) as { rows: { seconds_per_arch?: number }[] }).rows.map(({ seconds_per_arch: _, ...r }) => r);
  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as { index: number; seconds: number });

  it('scores in worker processes with part journals, absorbs them, and gives the one-process table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-jobs-'));
    const args = ['validate', 'metrics', '--sample', '7', '--columns', 'params,flops', '--json'];
    const parallel = await fsnas(...args, '--jobs', '2', '--journal', join(dir, 'parallel.jsonl'));
    const serial = await fsnas(...args, '--journal', join(dir, 'serial.jsonl'));
    expect([parallel.status, serial.status]).toEqual([0, 0]);
    expect(table(parallel.stdout)).toEqual(table(serial.stdout));
    expect(parallel.stderr).toMatch(/parallel\.jsonl\.part-1\.jsonl \(0\/3 architectures already scored\)/);
    expect(lines(join(dir, 'parallel.jsonl')).map((l) => l.index).sort()).toEqual(lines(join(dir, 'serial.jsonl')).map((l) => l.index).sort());
    expect(readdirSync(dir).sort()).toEqual(['parallel.jsonl', 'serial.jsonl']);
  });

  it("takes over a part journal an interrupted run left behind instead of scoring it again", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-jobs-'));
    const main = join(dir, 'scores.jsonl');
    const first = await fsnas('validate', 'metrics', '--sample', '5', '--columns', 'params', '--journal', join(dir, 'x.jsonl'), '--json');
    const [a, b] = lines(join(dir, 'x.jsonl')).map((l) => l.index);
    writeFileSync(join(dir, 'two'), `${a}\n${b}\n`);
    // A worker of an earlier run that got as far as two architectures.
    const worker = await fsnas('validate', 'metrics', '--sample', '5', '--columns', 'params', '--journal', `${main}.part-3.jsonl`, '--only', join(dir, 'two'), '--json');
    expect([first.status, worker.status]).toEqual([0, 0]);
    const left = lines(`${main}.part-3.jsonl`);
    const r = await fsnas('validate', 'metrics', '--sample', '5', '--columns', 'params', '--journal', main, '--jobs', '2', '--json');
    expect(r.status).toBe(0);
    const merged = lines(main);
    expect(merged).toHaveLength(5);
    for (const l of left) expect(merged).toContainEqual(l); // the same lines, seconds included: not rescored
    expect(r.stderr).toMatch(/part-1\.jsonl \(0\/1 architectures already scored\)/);
    expect(readdirSync(dir).filter((f) => f.includes('.part-'))).toEqual([]);
  });
});
