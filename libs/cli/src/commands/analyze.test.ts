import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFsnas as fsnas } from '../testing';
import { describe, expect, it } from 'vitest';



interface LeafJson {
  index: number;
  size: number;
  mean: number;
  median: number;
  max: number;
  best_index: number;
  top1pct: number;
  top5pct: number;
  holds_best: boolean;
}

describe('fsnas analyze', () => {
  it('splits --source paper --json gives the documented per-leaf schema for every family', async () => {
    const r = await fsnas('analyze', 'splits', '--source', 'paper', '--dataset', 'cifar10', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { dataset: string; families: Record<string, { leaves: LeafJson[]; best_leaf_by_mean: number; leaf_holding_best: number }> };
    expect(out.dataset).toBe('cifar10');
    expect(Object.keys(out.families)).toHaveLength(10);
    const gm = out.families['gradient_matching'];
    expect(Object.keys(gm?.leaves[0] ?? {})).toEqual(['index', 'size', 'mean', 'median', 'max', 'best_index', 'top1pct', 'top5pct', 'holds_best']);
    expect(gm?.leaves.reduce((n, l) => n + l.size, 0)).toBe(15625);
    // The global best (NATS 6111, 94.37) is in exactly the leaf the family reports.
    const holder = gm?.leaves.find((l) => l.holds_best);
    expect(holder?.index).toBe(gm?.leaf_holding_best);
    expect(holder?.best_index).toBe(6111);
  });

  it('splits reads a split file with {metric, leaves:[{mask}]}', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-analyze-'));
    const row = [1, 1, 1, 1, 1];
    const mask = (first: number[]) => [first, row, row, row, row, row];
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ metric: 'mine', leaves: [{ mask: mask([1, 0, 0, 0, 0]) }, { mask: mask([0, 1, 1, 1, 1]) }] }));
    const r = await fsnas('analyze', 'splits', '--source', file, '--dataset', 'cifar100', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { families: Record<string, { leaves: LeafJson[] }> };
    expect(out.families['mine']?.leaves.map((l) => l.size)).toEqual([3125, 12500]);
    const human = await fsnas('analyze', 'splits', '--source', file, '--dataset', 'cifar100');
    expect(human.stdout).toMatch(/mine: best leaf by mean 1/);
  });

  it.each([
    [['analyze', 'splits', '--source', 'paper', '--dataset', 'mnist'], /--dataset must be one of/],
    [['analyze', 'splits', '--source', '/no/such/split.json', '--dataset', 'cifar10'], /split file not found/],
  ])('fails with one line and exit 1 on bad input %j', async (args, message) => {
    const r = await fsnas(...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('selection --json reports oracle regret 0 and every method', async () => {
    const r = await fsnas('analyze', 'selection', '--source', 'paper', '--dataset', 'cifar10', '--seeds', '3', '--samples', '20', '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { methods: string[]; rows: { method: string; mean_regret: number }[] };
    expect(out.methods).toContain('zero-cost-nwot');
    expect(out.rows.filter((x) => x.method === 'oracle').every((x) => x.mean_regret === 0)).toBe(true);
  });
});
