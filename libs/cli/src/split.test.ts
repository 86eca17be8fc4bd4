import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPaperSplits } from '@fsnas/nb201';
import { readSplitTree, replaySplitTree } from '@fsnas/splitting';
import { runFsnas as fsnas } from './testing';
import { describe, expect, it } from 'vitest';



const paper = (metric: string) => loadPaperSplits().get('cifar10')!.get(metric)!.map((m) => m.toRows());

describe('fsnas split', () => {
  it('reproduces the paper num_params leaves exactly in reference mode, and writes a replayable tree', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fsnas-split-')), 'split.json');
    const r = await fsnas('split', '--metric', 'num_params', '--fidelity', 'reference', '--leaves', '8', '--branching', '2', '--edges', '0,1,2', '--seed', '888', '--out', out, '--json');
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.metric).toBe('num_params');
    expect(result.leaves.map((l: { mask: number[][] }) => l.mask)).toEqual(paper('num_params'));
    expect(result.leaves.map((l: { size: number }) => l.size).reduce((a: number, b: number) => a + b, 0)).toBe(15625);
    expect(replaySplitTree(readSplitTree(out)).map((m) => m.toRows())).toEqual(paper('num_params'));
    expect(existsSync(`${out}.nodes.jsonl`)).toBe(false);
    expect(JSON.parse(readFileSync(out, 'utf8')).format).toBe('fsnas-split-tree');
  });

  it('reproduces the paper random split of seed 888', async () => {
    const r = await fsnas('split', '--metric', 'random', '--fidelity', 'reference', '--seed', '888', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).leaves.map((l: { mask: number[][] }) => l.mask)).toEqual(paper('random_seed888'));
  });

  it('keeps --compat as a hidden alias of --fidelity, with the legacy values, recording the same tree', async () => {
    const tree = async (...fidelity: string[]) => {
      const r = await fsnas('split', '--metric', 'random', ...fidelity, '--seed', '888', '--leaves', '6', '--json');
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout).tree;
    };
    const reference = await tree('--fidelity', 'reference');
    expect(reference.options.compat).toBe('reference');
    expect(await tree('--compat', 'reference')).toEqual(reference);
    const published = await tree();
    expect(published.options.compat).toBe('none');
    for (const alias of [['--fidelity', 'published'], ['--compat', 'none'], ['--compat', 'published']]) expect(await tree(...alias)).toEqual(published);
    const help = await fsnas('split', '--help');
    expect(help.stdout).toContain('--fidelity <fidelity>');
    expect(help.stdout).not.toContain('--compat');
  });

  it.each([
    [['--fidelity', 'paper'], "fsnas: --fidelity must be published or reference (legacy: none, naslib, spec), got 'paper'"],
    [['--compat', 'paper'], "fsnas: --compat must be published or reference (legacy: none, naslib, spec), got 'paper'"],
    [['--fidelity', 'reference', '--compat', 'reference'], 'fsnas: --compat is the old name of --fidelity: give one of them, not both'],
  ])('refuses %j in one line', async (args, message) => {
    const r = await fsnas('split', '--metric', 'random', ...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([message]);
  });

  it.each([
    [['--metric', 'num_params', '--leaves', '8', '--branching', '1'], /branching/i],
    [['--metric', 'no_such_metric'], /unknown metric|no_such_metric/],
    [['--metric', 'num_params', '--edges', '0,9,2'], /edge/],
  ])('fails with a one-line typed error on %j', async (args, message) => {
    const r = await fsnas('split', ...args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('fsnas:'))).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it.each([
    ['--batches', '0'],
    ['--batch-size', '0'],
    ['--batches', '-1'],
    ['--batches', '1.5'],
    ['--batches', 'abc'],
    ['--batch-size', 'NaN'],
    ['--leaves', '0'],
    ['--seed', '-1'],
    ['--seed', '2.5'],
  ])('refuses %s %s as a usage error naming the option and the value', async (option, value) => {
    const r = await fsnas('split', '--metric', 'num_params', option, value);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`option '${option} <n>' argument '${value}' is invalid`);
    expect(r.stdout).toBe('');
  });

  it.each([['random'], ['num_params'], ['synflow']])('refuses an unknown --dataset with --metric %s, listing the known ones', async (metric) => {
    const r = await fsnas('split', '--metric', metric, '--dataset', 'mnist');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual(["fsnas: --dataset must be one of cifar10, got 'mnist'"]);
    expect(r.stdout).toBe('');
  });

  describe('resuming an interrupted --out split', () => {
    const base = ['--metric', 'num_params', '--leaves', '8', '--seed', '888'];
    const withOption = (option: string, value: string): string[] => {
      const at = base.indexOf(option);
      return at < 0 ? [...base, option, value] : base.map((a, i) => (i === at + 1 ? value : a));
    };
    /** A journal as a run killed after its root node leaves it: the settings header, then the root. */
    const interrupted = async (edit: (settings: Record<string, unknown>) => void = () => undefined): Promise<string> => {
      const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
      const done = join(dir, 'done.json');
      expect((await fsnas('split', ...base, '--out', done)).status).toBe(0);
      const tree = JSON.parse(readFileSync(done, 'utf8'));
      const settings = { metric: tree.metric, ...tree.options, ...tree.metricSettings };
      edit(settings);
      const out = join(dir, 's.json');
      const header = { format: 'fsnas-split-journal', version: 1, settings };
      writeFileSync(`${out}.nodes.jsonl`, `${JSON.stringify(header)}\n${JSON.stringify({ ...tree.root, children: [] })}\n`);
      return out;
    };

    it.each([
      [['--metric', 'snip'], /s\.json was started with --metric num_params; this run asks for snip: rerun with the same options or use another --out/],
      [['--batch-size', '32'], /s\.json was started with --batch-size 64, the second-order batch \(set by the backend\) 64; this run asks for --batch-size 32, the second-order batch \(set by the backend\) 32: rerun/],
      [['--batches', '3'], /s\.json was started with --batches 1; this run asks for 3: rerun/],
      [['--fidelity', 'reference'], /s\.json was started with --fidelity published, the metric fidelity published, --batch-size 64, the metric init pytorch_default.*; this run asks for --fidelity reference, the metric fidelity reference, --batch-size 16, the metric init kaiming_normal_fanin/],
    ])('refuses %j with a one-line typed error naming the option and both values', async (change, message) => {
      const out = await interrupted();
      const r = await fsnas('split', ...withOption(change[0] as string, change[1] as string), '--out', out);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('fsnas:') && !l.startsWith('fsnas: tfjs'))).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.nodes.jsonl`)).toBe(true);
    });

    it('refuses a journal started on another dataset', async () => {
      const out = await interrupted((s) => void (s['dataset'] = 'cifar100'));
      const r = await fsnas('split', ...base, '--out', out);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/s\.json was started with --dataset cifar100; this run asks for cifar10: rerun with the same options or use another --out/);
    });

    it('resumes with the same options and writes the same tree as an uninterrupted run', async () => {
      const out = await interrupted();
      const r = await fsnas('split', ...base, '--out', out, '--json');
      expect(r.status).toBe(0);
      expect(existsSync(`${out}.nodes.jsonl`)).toBe(false);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dirname(out), 'done.json'), 'utf8'));
      const tree = JSON.parse(readFileSync(out, 'utf8'));
      expect(tree.metric).toBe('num_params');
      expect(tree.metricSettings).toMatchObject({ dataset: 'cifar10', batchSize: 64, batches: 1, metricCompat: 'naslib', warmup: null });
    });
  });
});
