import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidInputError } from '@fsnas/core';
import { Mask, loadPaperSplits } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { SplitTreeFormatError, SplitTreeReplayError } from './errors';
import { randomSplit } from './random-split';
import { PAPER_SPLIT_SETTING, createSplitStore, describeSplitSource, parseSplitSource, splitSourceKey, type ComputedSplitSource } from './split-source';
import { readSplitLeaves, writeSplitTree } from './split-tree';

const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-source-'));
const write = (name: string, value: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const rows = Mask.full().restrict(0, [0]).toRows();
const rest = Mask.full().restrict(0, [1, 2, 3, 4]).toRows();
const synflow: ComputedSplitSource = { kind: 'computed', metric: 'synflow', dataset: 'cifar10', seed: 888, fidelity: 'reference', warmup: null };

describe('readSplitLeaves, the one split-file reader', () => {
  it('reads {leaves:[{mask}]}, {metric, leaves} and bare lists of masks', () => {
    expect(readSplitLeaves(write('a.json', { leaves: [{ mask: rows }, { mask: rest, size: 12500 }] }))).toEqual({ metric: null, leaves: [Mask.fromRows(rows), Mask.fromRows(rest)], tree: null });
    expect(readSplitLeaves(write('b.json', { metric: 'synflow', leaves: [{ mask: rows }, rest] })).metric).toBe('synflow');
    expect(readSplitLeaves(write('c.json', [rows, rest])).leaves).toHaveLength(2);
  });

  it('reads a split tree by replaying it, and refuses a tree whose leaves its groups do not give', () => {
    const doc = randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 888, fidelity: 'reference' });
    const file = join(dir, 'tree.json');
    writeSplitTree(file, doc);
    const read = readSplitLeaves(file);
    expect(read.metric).toBe('random');
    expect(read.tree).toEqual(doc);
    expect(read.leaves.map((m) => m.toRows())).toEqual(loadPaperSplits().get('cifar10')?.get('random_seed888')?.map((m) => m.toRows()));
    const swapped = { ...doc, leaves: [doc.leaves[1], doc.leaves[0], ...doc.leaves.slice(2)] };
    expect(() => readSplitLeaves(write('swapped.json', swapped))).toThrow(SplitTreeReplayError);
    expect(() => readSplitLeaves(write('swapped.json', swapped))).toThrow(/swapped\.json: \$\.leaves\[0\]/);
  });

  it('names the file and the JSON path of the first bad field', () => {
    expect(() => readSplitLeaves(write('d.json', '{oops'))).toThrow(SplitTreeFormatError);
    expect(() => readSplitLeaves(write('d.json', '{oops'))).toThrow(/d\.json: \$: not valid JSON/);
    expect(() => readSplitLeaves(write('e.json', { leaves: [] }))).toThrow(/e\.json: \$\.leaves: must list at least one leaf/);
    expect(() => readSplitLeaves(write('f.json', { leaves: [{ mask: rows }, { mask: [[1]] }] }))).toThrow(/f\.json: \$\.leaves\[1\]\.mask: must have 6 edge rows/);
    expect(() => readSplitLeaves(write('g.json', { leaves: [{ mask: rows, size: 5 }] }))).toThrow(/\$\.leaves\[0\]\.size: must be 3125/);
    expect(() => readSplitLeaves(write('h.json', { leaves: [rows.map((r) => r.map(() => 0))] }))).toThrow(/\$\.leaves\[0\]\[0\]: must allow at least one op/);
    expect(() => readSplitLeaves(write('i.json', { leaves: 'eight' }))).toThrow(/\$\.leaves: must be an array/);
    expect(() => readSplitLeaves(write('j.json', { format: 'other', leaves: [rows] }))).toThrow(/\$\.format: must be 'fsnas-split-tree'/);
    expect(() => readSplitLeaves(join(dir, 'missing.json'))).toThrow(/split file not found/);
    expect(() => readSplitLeaves(dir)).toThrow(/is a directory/);
  });
});

describe('split sources', () => {
  it('key a computed source by its content, defaults filled in', () => {
    const key = splitSourceKey(synflow);
    expect(key).toMatch(/^synflow-cifar10-[0-9a-f]{16}$/);
    expect(splitSourceKey({ ...synflow, setting: PAPER_SPLIT_SETTING })).toBe(key);
    for (const changed of [{ seed: 0 }, { fidelity: 'published' as const }, { warmup: 'smoke' }, { dataset: 'cifar100' }, { metric: 'snip' }, { setting: { ...PAPER_SPLIT_SETTING, batchSize: 8 } }]) {
      expect(splitSourceKey({ ...synflow, ...changed })).not.toBe(key);
    }
    expect(splitSourceKey({ kind: 'paper', metric: 'synflow' })).toBe('paper-synflow');
  });

  it('label sources, naming what differs from the paper setting', () => {
    expect(describeSplitSource({ kind: 'paper', metric: 'snip' })).toBe('paper:snip');
    expect(describeSplitSource({ kind: 'file', path: '/x/mine.json' })).toBe('file:mine.json');
    expect(describeSplitSource(synflow)).toBe('ours:synflow');
    expect(describeSplitSource({ ...synflow, seed: 0, fidelity: 'published', setting: { ...PAPER_SPLIT_SETTING, name: 'tiny' } })).toBe('ours:synflow[seed 0, published, tiny]');
  });

  it('parse the command-line forms and refuse malformed ones', () => {
    expect(parseSplitSource('paper:synflow')).toEqual({ kind: 'paper', metric: 'synflow' });
    expect(parseSplitSource('ours:synflow')).toEqual(synflow);
    expect(parseSplitSource('ours:snip,seed=0,fidelity=published,warmup=smoke,dataset=cifar100')).toEqual({ kind: 'computed', metric: 'snip', dataset: 'cifar100', seed: 0, fidelity: 'published', warmup: 'smoke' });
    expect(parseSplitSource('ours:snip,fidelity=none')).toEqual({ ...parseSplitSource('ours:snip'), fidelity: 'published' }); // the legacy spelling
    expect(parseSplitSource('ours:snip,fidelity=reference')).toEqual(parseSplitSource('ours:snip'));
    expect(parseSplitSource('splits/a.json')).toEqual({ kind: 'file', path: 'splits/a.json' });
    for (const [text, message] of [
      ['paper', /paper:<metric>/],
      ['ours:', /names no metric/],
      ['ours:snip,seed=-1', /seed must be a non-negative integer/],
      ['ours:snip,fidelity=exact', "split source 'ours:snip,fidelity=exact': fidelity must be published or reference (legacy: none, naslib, spec), got 'exact'"],
      ['ours:snip,colour=red', /'colour=red' is not one of dataset=<value>/],
      ['ours:snip,seed=1,seed=2', /sets seed twice/],
    ] as const) {
      expect(() => parseSplitSource(text)).toThrow(InvalidInputError);
      expect(() => parseSplitSource(text)).toThrow(message);
    }
  });
});

describe('the split store', () => {
  const cache = join(dir, 'cache');
  mkdirSync(cache, { recursive: true });
  const store = createSplitStore(cache);
  const random: ComputedSplitSource = { ...synflow, metric: 'random' };

  it('serves the paper masks per dataset and metric', () => {
    expect(store.leaves({ kind: 'paper', metric: 'synflow' }, 'cifar100')).toEqual(loadPaperSplits().get('cifar100')?.get('synflow'));
    expect(store.paperMetrics('cifar10')).toContain('gradient_matching');
    expect(store.tree({ kind: 'paper', metric: 'synflow' })).toBeNull();
    expect(() => store.leaves({ kind: 'paper', metric: 'nope' }, 'cifar10')).toThrow(/no cifar10 split for 'nope'; it has gradient_matching/);
    expect(() => store.leaves({ kind: 'paper', metric: 'synflow' }, 'mnist')).toThrow(/no splits for dataset 'mnist'/);
  });

  it('serves files and cached computed trees through the strict reader, and says when a tree is not computed yet', () => {
    expect(store.leaves({ kind: 'file', path: write('k.json', [rows, rest]) }, 'cifar10')).toHaveLength(2);
    expect(store.has(random)).toBe(false);
    expect(() => store.leaves(random, 'cifar10')).toThrow(/ours:random is not computed yet .*fsnas reproduce --finding splits/);
    const doc = randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 888, fidelity: 'reference' });
    writeSplitTree(store.treeFile(random), doc);
    expect(store.has(random)).toBe(true);
    expect(store.tree(random)).toEqual(doc);
    expect(store.leaves(random, 'cifar10')).toEqual(loadPaperSplits().get('cifar10')?.get('random_seed888'));
  });

  it('refuses a cached tree that is not the one its key names', () => {
    const other: ComputedSplitSource = { ...random, seed: 1 };
    writeSplitTree(store.treeFile(other), randomSplit({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 888, fidelity: 'reference' }));
    expect(() => createSplitStore(cache).leaves(other, 'cifar10')).toThrow(/has seed 888, the source 1: delete it/);
  });
});
