import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EdgeMetric } from '@fsnas/metrics';
import { BranchingError, SplitTreeFormatError } from './errors';
import { appendNodeRecord, readNodeJournal } from './node-journal';
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
