import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Benchmark } from '@fsnas/benchmark';
import { CorruptDataError, InvalidInputError } from '@fsnas/core';
import { Mask, formatArch, loadPaperSplits, parseArch } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromCSV } from 'arquero';
import { f1SplitDiversity, f2LeafFigure, f2Table, f3BestMeanLeaf, f3Distribution, f4Selection, loadZeroCostScores, OverlappingLeavesError, PartialCoverError, readSplitFile, splitCover, tableCsv, type F3LeafRow, type SplitsByDataset } from './index';

let bench: Benchmark;
let paper: SplitsByDataset;
beforeAll(() => {
  bench = Benchmark.load({ hw: false });
  paper = loadPaperSplits();
});

describe('F1 split diversity', () => {
  it('tabulates every level of every family and builds the similarity figures', () => {
    const f1 = f1SplitDiversity(bench, paper);
    expect(f1.groups).toHaveLength(3 * 10 * 7); // datasets × families × (1 + 2 + 4) nodes
    expect(f1.level0['cifar10']?.['gradient_matching']).toBe('{3}|{0,1,2,4}');
    expect(f1.similarity['cifar100']?.names).toHaveLength(10);
    expect(Object.keys(f1.figures).sort()).toEqual(
      ['f1-level0-groups', 'f1-level0-table', ...['cifar10', 'cifar100', 'ImageNet16-120'].flatMap((d) => [`f1-group-distance-${d}`, `f1-leafset-distance-${d}`])].sort(),
    );
  });
});

describe('F3 distribution', () => {
  it('gives one row per leaf, consistent per-metric summaries, and figure specs', () => {
    const f3 = f3Distribution(bench, paper, 'cifar10');
    expect(f3.leaves).toHaveLength(80);
    for (const m of f3.metrics) {
      const rows = f3.leaves.filter((l) => l.metric === m.metric);
      expect(rows.reduce((n, l) => n + l.size, 0)).toBe(15625);
      expect(rows.filter((l) => l.holdsBest).map((l) => l.leaf)).toEqual([m.leafHoldingBest]);
      expect(m.bestMeanHoldsBest).toBe(m.bestLeafByMean === m.leafHoldingBest);
      expect(m.meanRankOfBestLeaf).toBe(1 + rows.filter((l) => l.mean > (rows[m.leafHoldingBest]?.mean as number)).length);
      expect(Math.abs(m.spearmanMeanVsMax)).toBeLessThanOrEqual(1);
      expect(Math.abs(m.kendallMeanVsMax)).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(f3.figures)).toEqual(['f3-accuracy-boxes-cifar10', 'f3-leaf-sizes-cifar10', 'f3-top-archs-cifar10', 'f3-leaf-means-cifar10']);
    expect(() => f3Distribution(bench, paper, 'cifar10-valid')).toThrow(/no splits for dataset/);
    expect(() => f3Distribution(bench, paper, 'mnist')).toThrow(InvalidInputError);
  });
});

describe('F3 top architectures in the best-mean leaf', () => {
  it('top1InBestMeanLeaf is the top-1% count inside the leaf with the best mean (brute force over the paper masks)', () => {
    const acc = bench.accuracy('cifar10');
    const sorted = Float64Array.from(acc).sort().reverse();
    const top1 = sorted[Math.ceil(0.01 * acc.length) - 1] as number;
    const top5 = sorted[Math.ceil(0.05 * acc.length) - 1] as number;
    const f3 = f3Distribution(bench, paper, 'cifar10');
    const fromCsv = f3BestMeanLeaf(fromCSV(tableCsv(f3.leaves)).objects() as F3LeafRow[]);
    for (const [metric, masks] of paper.get('cifar10') ?? []) {
      // Every architecture tested against every mask, independent of Benchmark.indicesOf and familyStats.
      const members = masks.map(() => [] as number[]);
      for (let i = 0; i < acc.length; i++) masks.forEach((m, leaf) => m.contains(bench.arch(i)) && members[leaf]!.push(i));
      const means = members.map((ids) => ids.reduce((a, i) => a + (acc[i] as number), 0) / ids.length);
      const best = means.indexOf(Math.max(...means));
      const count = (ids: number[], t: number) => ids.filter((i) => (acc[i] as number) >= t).length;
      const expected = { metric, bestLeafByMean: best, top1InBestMeanLeaf: count(members[best]!, top1), top5InBestMeanLeaf: count(members[best]!, top5), top1Total: count(members.flat(), top1), top5Total: count(members.flat(), top5) };
      expect(f3.metrics.find((m) => m.metric === metric)).toMatchObject(expected);
      expect(fromCsv.find((m) => m.metric === metric)).toMatchObject(expected);
    }
    // The notebook's old column, max('top1pct') over all leaves, said 33 for gradient_matching.
    expect(f3.metrics.find((m) => m.metric === 'gradient_matching')).toMatchObject({ bestLeafByMean: 0, top1InBestMeanLeaf: 9, top1Total: 157 });
  });
});

describe('F4 selection', () => {
  it('runs every method per metric with oracle regret 0, deterministic across calls', () => {
    const opts = { seeds: 4, samples: 50 };
    const a = f4Selection(bench, paper, 'cifar10', opts);
    const b = f4Selection(bench, paper, 'cifar10', opts);
    expect(a.rows).toEqual(b.rows);
    expect(a.methods).toEqual(['oracle', 'random', 'best-mean@50', 'succ-halving-max@400', 'succ-halving-mean@400', 'zero-cost-nwot']);
    expect(a.rows).toHaveLength(10 * 6);
    for (const r of a.rows.filter((x) => x.method === 'oracle')) expect(r.meanRegret).toBe(0);
    for (const r of a.rows) {
      expect(r.meanRegret).toBeGreaterThanOrEqual(0);
      expect(r.chosenCounts.reduce((x, y) => x + y, 0)).toBe(4);
    }
  });

  it('skips the zero-cost method where no scores are published, and uses derived accuracies when given', () => {
    const derived = new Map([['synflow', Array.from({ length: 8 }, (_, leaf) => [leaf === 5 ? 99 : 1])]]);
    const f4 = f4Selection(bench, paper, 'cifar100', { seeds: 2, samples: 10, derived });
    expect(f4.skipped.some((s) => s.startsWith('zero-cost-nwot: no published scores'))).toBe(true);
    const gm = f4.rows.find((r) => r.metric === 'synflow' && r.method === 'gm-nas-derived');
    expect(gm?.chosenCounts[5]).toBe(2);
  });

  it('loads zero-cost scores cross-checked against the benchmark arch strings', () => {
    const scores = loadZeroCostScores(bench, 'cifar10', 'synflow');
    const scored = scores.filter((s) => Number.isFinite(s)).length;
    expect(scored).toBe(4726);
    expect(Number.isNaN(scores[1] as number)).toBe(true); // odd indices have no score
    expect(() => loadZeroCostScores(bench, 'cifar100')).toThrow(/no published zero-cost scores/);
    expect(() => loadZeroCostScores(bench, 'cifar10', 'magic')).toThrow(/unknown zero-cost proxy/);
  });
});

describe('tables', () => {
  it('writes CSV that Arquero reads back to the same rows (quotes, commas, booleans)', () => {
    const f3 = f3Distribution(bench, paper, 'cifar10');
    const back = fromCSV(tableCsv(f3.leaves)).objects();
    expect(back).toHaveLength(80);
    expect(back[3]).toEqual({ ...f3.leaves[3] });
    expect(fromCSV(tableCsv([{ a: 'x,"y"', b: true }])).objects()).toEqual([{ a: 'x,"y"', b: true }]);
  });
});

describe('split files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-'));
  const rows = Mask.full().restrict(0, [0]).toRows();
  const rest = Mask.full().restrict(0, [1, 2, 3, 4]).toRows();
  const write = (name: string, value: unknown): string => {
    const file = join(dir, name);
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };

  it('reads {leaves:[{mask}]}, {metric, leaves} and bare lists of masks', () => {
    expect([...readSplitFile(write('a.json', { leaves: [{ mask: rows }, { mask: rest, size: 12500 }] }))]).toEqual([['split', [Mask.fromRows(rows), Mask.fromRows(rest)]]]);
    expect([...readSplitFile(write('b.json', { metric: 'synflow', leaves: [{ mask: rows }, rest] })).keys()]).toEqual(['synflow']);
    expect(readSplitFile(write('c.json', [rows, rest]), 'mine').get('mine')).toHaveLength(2);
  });

  it('names the file and the leaf when the content is wrong', () => {
    expect(() => readSplitFile(write('d.json', '{oops'))).toThrow(CorruptDataError);
    expect(() => readSplitFile(write('e.json', { leaves: [] }))).toThrow(/non-empty "leaves"/);
    expect(() => readSplitFile(write('f.json', { leaves: [{ mask: rows }, { mask: [[1]] }] }))).toThrow(/leaves\[1\].*6x5/);
    expect(() => readSplitFile(join(dir, 'missing.json'))).toThrow(/split file not found/);
  });
});

describe('split files that do not partition the space', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-cover-'));
  const gm = (): Mask[] => [...(paper.get('cifar10')?.get('gradient_matching') ?? [])];
  const write = (name: string, leaves: Mask[]): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ metric: name.replace('.json', ''), leaves: leaves.map((m) => ({ mask: m.toRows() })) }));
    return file;
  };

  it('a duplicated leaf is an OverlappingLeavesError naming the two leaves and an architecture in both', () => {
    const leaves = gm();
    const file = write('dup.json', [...leaves.slice(0, 7), leaves[0]!]);
    const inBoth = formatArch([3, 3, 2, 0, 0, 0]); // gradient_matching leaf 0: {3}{3}{2} on edges 0-2, any op elsewhere
    expect(leaves[0]!.contains(parseArch(inBoth))).toBe(true);
    expect(() => readSplitFile(file)).toThrow(OverlappingLeavesError);
    expect(() => readSplitFile(file, 'x', { allowPartial: true })).toThrow(`${file}: leaves 0 and 7 overlap: architecture ${inBoth} is in both (125 shared)`);
    expect(() => splitCover([leaves[1]!, Mask.full()], 'mine')).toThrow(/^mine: leaves 0 and 1 overlap: architecture \|.*\| is in both \(500 shared\)/);
  });

  it('2 of 8 leaves is a PartialCoverError unless allowed; then the cover says what fraction of the 15,625 architectures they hold', () => {
    const two = gm().slice(2, 4);
    const file = write('two.json', two);
    expect(() => readSplitFile(file)).toThrow(PartialCoverError);
    expect(() => readSplitFile(file)).toThrow(/two\.json: the 2 leaves cover 2500 of the 15625 architectures \(16\.0%\); .* is in no leaf; pass allowPartial/);
    expect(() => readSplitFile(file, 'x', { flag: '--allow-partial' })).toThrow(/pass --allow-partial to analyse them anyway/);
    expect(readSplitFile(file, 'x', { allowPartial: true }).get('two')).toEqual(two);
    expect(splitCover(two)).toEqual({ leaves: 2, covered: 2500, total: 15625, fraction: 0.16 });
    expect(splitCover(gm())).toEqual({ leaves: 8, covered: 15625, total: 15625, fraction: 1 });
    for (const families of paper.values()) for (const leaves of families.values()) expect(splitCover(leaves).fraction).toBe(1);
  });
});

describe('F2 one-shot on splits', () => {
  const searchesWith = (pick: (leaf: Mask) => number, full: number) => {
    const acc = bench.accuracy('cifar10');
    const leaves = (paper.get('cifar10')?.get('gradient_matching') ?? []).map((mask, leaf) => {
      const stats = bench.stats(mask, 'cifar10');
      return { algo: 'darts', family: 'gradient_matching', leaf, accuracy: acc[pick(mask)] as number, leafBest: stats.max, leafMean: stats.mean };
    });
    return [{ algo: 'darts', family: 'full', leaf: null, accuracy: full, leafBest: 0, leafMean: 0 }, ...leaves];
  };
  const bestIn = (mask: Mask) => bench.stats(mask, 'cifar10').bestIndex;

  it('a search that always finds the leaf best has no regret, and its best leaf is the space best (leaves partition the space)', () => {
    const spaceBest = bench.accuracy('cifar10')[bench.bestIndex('cifar10')] as number;
    const [row] = f2Table(searchesWith(bestIn, spaceBest));
    expect(row).toMatchObject({ algo: 'darts', family: 'gradient_matching', leaves: 8, meanRegretInLeaf: 0, bestDerived: spaceBest, leavesBeatingFull: 0 });
    expect(f2Table(searchesWith(bestIn, 0))[0]?.leavesBeatingFull).toBe(8);
    const figure = f2LeafFigure(searchesWith(bestIn, 80), 'darts', 'gradient_matching');
    expect(figure.data.map((t) => t.type)).toEqual(['bar', 'bar']);
    expect(figure.layout['shapes']).toMatchObject([{ y0: 80, y1: 80 }]);
  });

  it('a search that picks the first architecture of each leaf has positive regret; leaf runs without a full-space run are an error', () => {
    const [row] = f2Table(searchesWith((m) => bench.indicesOf(m)[0] as number, 50));
    expect(row?.meanRegretInLeaf).toBeGreaterThan(0);
    expect(row?.meanDerived).toBeLessThanOrEqual(row?.bestDerived as number);
    expect(() => f2Table(searchesWith(bestIn, 50).slice(1))).toThrow(InvalidInputError);
    const twice = searchesWith(bestIn, 50);
    expect(() => f2Table([...twice, twice[3]!])).toThrow(/two searches of darts gradient_matching 2; were runs of several budgets mixed/);
  });
});
