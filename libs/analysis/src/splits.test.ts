import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mask, formatArch, loadPaperSplits, parseArch } from '@fsnas/nb201';
import { readSplitLeaves } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { OverlappingLeavesError, PartialCoverError, checkSplitCover, splitCover } from './splits';

describe('split files that do not partition the space', () => {
  const paper = loadPaperSplits();
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-cover-'));
  const gm = (): Mask[] => [...(paper.get('cifar10')?.get('gradient_matching') ?? [])];
  const write = (name: string, leaves: Mask[]): string => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify({ metric: name.replace('.json', ''), leaves: leaves.map((m) => ({ mask: m.toRows() })) }));
    return file;
  };
  /** What the CLI and F1 do with a split file: read it with splitting's reader, then check its cover. */
  const readChecked = (file: string, options: Parameters<typeof checkSplitCover>[2] = {}): Mask[] => {
    const { leaves } = readSplitLeaves(file);
    checkSplitCover(leaves, file, options);
    return leaves;
  };

  it('a duplicated leaf is an OverlappingLeavesError naming the two leaves and an architecture in both', () => {
    const leaves = gm();
    const file = write('dup.json', [...leaves.slice(0, 7), leaves[0]!]);
    const inBoth = formatArch([3, 3, 2, 0, 0, 0]); // gradient_matching leaf 0: {3}{3}{2} on edges 0-2, any op elsewhere
    expect(leaves[0]!.contains(parseArch(inBoth))).toBe(true);
    expect(() => readChecked(file)).toThrow(OverlappingLeavesError);
    expect(() => readChecked(file, { allowPartial: true })).toThrow(`${file}: leaves 0 and 7 overlap: architecture ${inBoth} is in both (125 shared)`);
    expect(() => splitCover([leaves[1]!, Mask.full()], 'mine')).toThrow(/^mine: leaves 0 and 1 overlap: architecture \|.*\| is in both \(500 shared\)/);
  });

  it('2 of 8 leaves is a PartialCoverError unless allowed; then the cover says what fraction of the 15,625 architectures they hold', () => {
    const two = gm().slice(2, 4);
    const file = write('two.json', two);
    expect(() => readChecked(file)).toThrow(PartialCoverError);
    expect(() => readChecked(file)).toThrow(/two\.json: the 2 leaves cover 2500 of the 15625 architectures \(16\.0%\); .* is in no leaf; pass allowPartial/);
    expect(() => readChecked(file, { flag: '--allow-partial' })).toThrow(/pass --allow-partial to analyse them anyway/);
    expect(readChecked(file, { allowPartial: true })).toEqual(two);
    expect(splitCover(two)).toEqual({ leaves: 2, covered: 2500, total: 15625, fraction: 0.16 });
    expect(splitCover(gm())).toEqual({ leaves: 8, covered: 15625, total: 15625, fraction: 1 });
    for (const families of paper.values()) for (const leaves of families.values()) expect(splitCover(leaves).fraction).toBe(1);
  });
});
