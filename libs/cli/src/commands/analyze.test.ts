import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatArch, loadPaperSplits } from '@fsnas/nb201';
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
  it('pareto --json gives the global front and, per leaf of the chosen family, its front and its share of the global front', async () => {
    const r = await fsnas('analyze', 'pareto', '--device', 'edgegpu_latency', '--dataset', 'cifar10', '--family', 'synflow', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { global_front: number[]; leaves: { leaf: number; front: number[]; global_points: number }[]; families: { family: string; leaves: { global_points: number }[] }[] };
    expect(out.leaves.map((l) => l.leaf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(out.families.find((f) => f.family === 'synflow')?.leaves.map((l) => l.global_points)).toEqual(out.leaves.map((l) => l.global_points));
    // The leaves partition the space: their global points are the global front, each counted once.
    for (const family of out.families) expect(family.leaves.reduce((s, l) => s + l.global_points, 0)).toBe(out.global_front.length);
    // A global-front point in a leaf is on that leaf's own front too.
    const onLeafFronts = new Set(out.leaves.flatMap((l) => l.front));
    expect(out.global_front.every((i) => onLeafFronts.has(i))).toBe(true);
    const bad = await fsnas('analyze', 'pareto', '--device', 'edgegpu_speed', '--dataset', 'cifar10');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--device must be one of edgegpu_latency");
  });

  it('hw-model --json fits every device column and names its R² and MAE', async () => {
    const r = await fsnas('analyze', 'hw-model', '--dataset', 'cifar100', '--json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { dataset: string; models: { metric: string; r2: number; mae: number; rows: number; weights: number[][] }[] };
    expect(out.dataset).toBe('cifar100');
    expect(out.models.map((m) => m.metric)).toContain('fpga_energy');
    for (const m of out.models) {
      expect(m.weights).toHaveLength(6);
      expect(m.r2).toBeGreaterThanOrEqual(0);
      expect(m.mae).toBeGreaterThanOrEqual(0);
    }
  });

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

  it('figures --no-png writes the HTML beside one plotly.min.js; --self-contained inlines plotly instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-analyze-fig-'));
    const shared = join(dir, 'shared');
    const r = await fsnas('analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--out', shared, '--seeds', '2', '--no-png', '--json');
    expect(r.status).toBe(0);
    const files = readdirSync(shared);
    expect(files.filter((f) => f.endsWith('.js'))).toEqual(['plotly.min.js']);
    expect(files.filter((f) => f.endsWith('.html'))).toHaveLength(10);
    expect(readFileSync(join(shared, 'f3-accuracy-boxes-cifar10.html'), 'utf8')).toContain('<script src="./plotly.min.js">');
    const alone = join(dir, 'alone');
    expect((await fsnas('analyze', 'figures', '--source', 'paper', '--dataset', 'cifar10', '--out', alone, '--seeds', '2', '--no-png', '--self-contained')).status).toBe(0);
    expect(readdirSync(alone).filter((f) => f.endsWith('.js'))).toEqual([]);
    expect(readFileSync(join(alone, 'f3-accuracy-boxes-cifar10.html'), 'utf8').length).toBeGreaterThan(1_000_000);
  });

  describe('split files that do not partition the space', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-analyze-cover-'));
    const gm = loadPaperSplits().get('cifar10')?.get('gradient_matching') ?? [];
    const write = (name: string, leaves: typeof gm): string => {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify({ metric: name.replace('.json', ''), leaves: leaves.map((m) => ({ mask: m.toRows() })) }));
      return file;
    };
    const dup = write('dup.json', [...gm.slice(0, 7), gm[0]!]);
    const two = write('two.json', gm.slice(2, 4));
    const quick = (command: string): string[] => (command === 'selection' ? ['--seeds', '2', '--samples', '10'] : []);

    it.each(['splits', 'selection'])('%s refuses a duplicated leaf, naming the two leaves and an architecture in both (exit 1, one line)', async (command) => {
      for (const extra of [[], ['--allow-partial']]) {
        const r = await fsnas('analyze', command, '--source', dup, '--dataset', 'cifar10', ...quick(command), ...extra);
        expect(r.status).toBe(1);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toContain(`dup.json: leaves 0 and 7 overlap: architecture ${formatArch([3, 3, 2, 0, 0, 0])} is in both`);
      }
    });

    it.each(['splits', 'selection'])('%s refuses 2 of 8 leaves unless --allow-partial, then says what fraction of the space they cover', async (command) => {
      const refused = await fsnas('analyze', command, '--source', two, '--dataset', 'cifar10', ...quick(command));
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(/two\.json: the 2 leaves cover 2500 of the 15625 architectures \(16\.0%\); .* is in no leaf; pass --allow-partial/);
      const r = await fsnas('analyze', command, '--source', two, '--dataset', 'cifar10', ...quick(command), '--allow-partial', '--json');
      expect(r.status).toBe(0);
      expect(r.stderr).toMatch(/note: .*two\.json: the 2 leaves cover 2500 of the 15625 architectures \(16\.0%\)/);
      const out = JSON.parse(r.stdout) as { coverage: Record<string, { leaves: number; covered: number; total: number; fraction: number }> };
      expect(out.coverage).toEqual({ two: { leaves: 2, covered: 2500, total: 15625, fraction: 0.16 } });
    });

    it('splits --allow-partial says in words that no leaf holds the global best (no "-1")', async () => {
      const r = await fsnas('analyze', 'splits', '--source', two, '--dataset', 'cifar10', '--allow-partial');
      expect(r.status).toBe(0);
      expect(r.stdout).not.toMatch(/the best -1/);
      expect(r.stdout).toMatch(/two: 2 leaves covering 16\.0% of the space; best leaf by mean 0, no leaf holds the global best \(index 6111\)/);
    });
  });
});
