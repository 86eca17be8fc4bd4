import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EdgeMetric } from '@fsnas/metrics';
import { BranchingError, SplitJournalError, SplitResumeError, SplitTreeFormatError } from './errors';
import { appendNodeRecord, nodeJournalOf, readNodeJournal, readSplitJournal, splitToFile } from './node-journal';
import type { SplitMetricSettings } from './split-settings';
import { readSplitTree, replaySplitTree, writeSplitTree } from './split-tree';
import { splitSupernet, type SplitOptions } from './splitter';
import { hashScalarMetric } from './testing/fake-metrics';

const options = (metric: EdgeMetric, extra: Partial<SplitOptions> = {}): SplitOptions => ({
  metric,
  leaves: 8,
  branching: [2],
  edges: { kind: 'order', edges: [0, 1, 2] },
  seed: 4,
  progress: { quiet: true },
  ...extra,
});

/** A metric that dies after `limit` calls, like an interrupted run. */
function failingAfter(limit: number): EdgeMetric {
  const inner = hashScalarMetric();
  let calls = 0;
  return {
    name: inner.name,
    evaluateEdge: async (r) => {
      if (++calls > limit) throw new Error('interrupted');
      return inner.evaluateEdge(r);
    },
  };
}

describe('interrupted splits resume from the node journal', () => {
  it('re-evaluates only unfinished nodes and gives the same tree as an uninterrupted run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
    const journal = join(dir, 'nodes.jsonl');
    await expect(splitSupernet(options(failingAfter(4), { onNode: (n) => appendNodeRecord(journal, n) }))).rejects.toThrow('interrupted');
    appendFileSync(journal, '{"path":[1,0],"lev'); // a torn last write
    const finished = readNodeJournal(journal);
    expect(finished.map((n) => n.path.join('.'))).toEqual(['', '0', '0.0', '0.1']);

    const metric = hashScalarMetric();
    const resumed = await splitSupernet(options(metric, { resume: finished }));
    expect(metric.calls).toHaveLength(3);
    const fresh = await splitSupernet(options(hashScalarMetric()));
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(fresh));

    await expect(splitSupernet(options(hashScalarMetric(), { seed: 5, resume: finished }))).rejects.toThrow(BranchingError);
    await expect(splitSupernet(options(hashScalarMetric(), { edges: { kind: 'order', edges: [1, 0, 2] }, resume: finished }))).rejects.toThrow(/cannot resume node root/);
  });

  it('names the field of a mask nested 5,000 deep instead of overflowing the stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
    const file = join(dir, 'deep.json');
    const tree = JSON.stringify(await splitSupernet(options(hashScalarMetric())));
    writeFileSync(file, tree.replace(/"parent":\[\[[^"]*\]\]/, `"parent":${'['.repeat(5000)}${']'.repeat(5000)}`));
    expect(() => readSplitTree(file)).toThrow(SplitTreeFormatError);
    expect(() => readSplitTree(file)).toThrow(/deep\.json: \$\.options\.parent: must have 6 edge rows, got \[\[\[\[…\]\]\]\]/);
  });

  it('rejects a corrupt journal line with its file and line number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
    const journal = join(dir, 'nodes.jsonl');
    appendFileSync(journal, '{"path": []}\n');
    expect(() => readNodeJournal(journal)).toThrow(SplitTreeFormatError);
    expect(() => readNodeJournal(journal)).toThrow(/nodes\.jsonl:1\.level: must be an integer/);
    expect(readNodeJournal(join(dir, 'absent.jsonl'))).toEqual([]);
  });

  it('writes and reads split tree files, naming the file on a bad field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
    const file = join(dir, 'tree.json');
    const tree = await splitSupernet(options(hashScalarMetric()));
    writeSplitTree(file, tree);
    expect(replaySplitTree(readSplitTree(file))).toHaveLength(8);
    const text = readFileSync(file, 'utf8').replace('"fsnas-split-tree"', '"other"');
    const bad = join(dir, 'bad.json');
    appendFileSync(bad, text);
    expect(() => readSplitTree(bad)).toThrow(/bad\.json: \$\.format: must be 'fsnas-split-tree'/);
  });
});

describe('a resumed split must have been started with the same settings (issue 14)', () => {
  const metricSettings: SplitMetricSettings = {
    dataset: 'cifar10',
    batchSize: 64,
    batches: 1,
    init: 'pytorch_default',
    metricCompat: 'naslib',
    network: { C: 16, N: 5, classes: 10, affine: true },
    secondOrderBatch: 32,
    warmup: null,
    backend: 'wasm',
  };
  const interrupted = async (): Promise<string> => {
    const out = join(mkdtempSync(join(tmpdir(), 'fsnas-split-')), 's.json');
    await expect(splitToFile(options(failingAfter(2), { metricSettings }), out)).rejects.toThrow('interrupted');
    return out;
  };

  it('records the settings in the journal header and in the finished tree', async () => {
    const out = await interrupted();
    const journal = readSplitJournal(nodeJournalOf(out));
    expect(journal.settings).toMatchObject({ metric: 'hash_scalar', leaves: 8, seed: 4, compat: 'none', ...metricSettings });
    expect(journal.nodes.map((n) => n.path.join('.'))).toEqual(['', '0']);
    const doc = await splitToFile(options(hashScalarMetric(), { metricSettings }), out);
    expect(doc.metricSettings).toEqual(metricSettings);
    expect(readSplitTree(out).metricSettings).toEqual(metricSettings);
  });

  it.each([
    ['--metric', { metric: hashScalarMetric('snip') }, /s\.json was started with --metric hash_scalar; this run asks for snip: rerun with the same options or use another --out/],
    ['--batch-size', { metricSettings: { ...metricSettings, batchSize: 32 } }, /s\.json was started with --batch-size 64; this run asks for 32/],
    ['--dataset', { metricSettings: { ...metricSettings, dataset: 'cifar100' } }, /s\.json was started with --dataset cifar10; this run asks for cifar100/],
    ['--batches', { metricSettings: { ...metricSettings, batches: 2 } }, /--batches 1; this run asks for 2/],
    ['--warmup', { metricSettings: { ...metricSettings, warmup: 'smoke' } }, /--warmup none; this run asks for smoke/],
    ['the metric init', { metricSettings: { ...metricSettings, init: 'normal' } }, /the metric init pytorch_default; this run asks for normal/],
    ['the tfjs backend', { metricSettings: { ...metricSettings, backend: 'cpu' } }, /the tfjs backend \(FSNAS_BACKEND\) wasm; this run asks for cpu/],
    ['--fidelity', { fidelity: 'reference' as const }, /--fidelity published; this run asks for reference/],
    ['--leaves', { leaves: 6 }, /--leaves 8; this run asks for 6/],
    ['--edges', { edges: { kind: 'order' as const, edges: [1, 0, 2] } }, /--edges 0,1,2; this run asks for 1,0,2/],
    ['no metric settings', { metricSettings: undefined }, /--dataset cifar10, the metric fidelity published, --batch-size 64, .*; this run asks for --dataset none, the metric fidelity none, --batch-size none/],
  ])('refuses to resume with another %s, naming the option and both values', async (option, change, message) => {
    const out = await interrupted();
    const metric = hashScalarMetric();
    const attempt = splitToFile(options(metric, { metricSettings, ...change } as Partial<SplitOptions>), out);
    await expect(attempt).rejects.toThrow(SplitResumeError);
    await expect(splitToFile(options(metric, { metricSettings, ...change } as Partial<SplitOptions>), out)).rejects.toThrow(message);
    expect(metric.calls).toHaveLength(0);
    expect(existsSync(out)).toBe(false);
    expect(readSplitJournal(nodeJournalOf(out)).nodes).toHaveLength(2); // the journal is kept
    void option;
  });

  it('resumes with the same settings: only the unfinished nodes are evaluated, the tree is the fresh one', async () => {
    const out = await interrupted();
    const metric = hashScalarMetric();
    const resumed = await splitToFile(options(metric, { metricSettings }), out);
    expect(metric.calls).toHaveLength(5);
    expect(existsSync(nodeJournalOf(out))).toBe(false);
    const fresh = await splitSupernet(options(hashScalarMetric(), { metricSettings }));
    expect(JSON.stringify(resumed)).toBe(JSON.stringify(fresh));
  });

  it('refuses a journal without a settings header (an older fsnas), and starts over from a header with no node', async () => {
    const out = await interrupted();
    const journal = nodeJournalOf(out);
    const lines = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, lines.slice(1).join('\n'));
    await expect(splitToFile(options(hashScalarMetric(), { metricSettings }), out)).rejects.toThrow(SplitJournalError);
    await expect(splitToFile(options(hashScalarMetric(), { metricSettings }), out)).rejects.toThrow(/s\.json\.nodes\.jsonl has no settings header.*delete it to start the split over, or use another --out/);
    writeFileSync(journal, `${lines[0]}\n`);
    const metric = hashScalarMetric('snip');
    await splitToFile(options(metric, { metricSettings }), out);
    expect(metric.calls).toHaveLength(7);
  });
});
