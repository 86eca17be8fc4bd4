import { describe, expect, it } from 'vitest';
import { Mask, MaskError, NUM_ARCHS, archFromKey, archKey } from './index';

describe('Mask', () => {
  it('holds the whole space when full', () => {
    const full = Mask.full();
    expect(full.size).toBe(NUM_ARCHS);
    expect(full.keys()).toEqual(Int32Array.from({ length: NUM_ARCHS }, (_, i) => i));
  });

  it('restricts an edge to a group and counts the product of allowed ops', () => {
    const m = Mask.full().restrict(0, [3]).restrict(1, [0, 1]).restrict(2, [0, 2, 4]);
    expect(m.size).toBe(1 * 2 * 3 * 125);
    expect(m.allowedOps(1)).toEqual([0, 1]);
    expect([...m.archs()].length).toBe(m.size);
    expect(() => m.restrict(0, [2])).toThrow(/not allowed on edge 0/);
    expect(() => m.restrict(0, [])).toThrow(MaskError);
  });

  it('enumerates exactly its members', () => {
    const m = Mask.full().restrict(2, [1, 3]).restrict(5, [0]);
    const members = new Set(m.keys());
    for (let key = 0; key < NUM_ARCHS; key++) {
      expect(members.has(key)).toBe(m.contains(archFromKey(key)));
    }
  });

  it('converts to and from 0/1 rows and the reference 0/-1000 matrix', () => {
    const m = Mask.full().restrict(0, [0, 4]).restrict(3, [2]);
    expect(Mask.fromRows(m.toRows()).equals(m)).toBe(true);
    expect(Mask.fromReference(m.toReference()).equals(m)).toBe(true);
    expect(m.toReference()[0]).toEqual([0, -1000, -1000, -1000, 0]);
    expect(m.toRows()[3]).toEqual([0, 0, 1, 0, 0]);
    expect(Mask.parse(JSON.stringify(m.toRows())).equals(m)).toBe(true);
  });

  it('is a one-hot mask for a single architecture', () => {
    const arch = archFromKey(1234);
    const m = Mask.single(arch);
    expect(m.size).toBe(1);
    expect([...m.keys()]).toEqual([archKey(arch)]);
  });

  it('rejects empty rows, wrong shapes and non-binary entries', () => {
    const rows = Mask.full().toRows();
    rows[4] = [0, 0, 0, 0, 0];
    expect(() => Mask.fromRows(rows)).toThrow(/edge 4 \(3<-1\) allows no operation/);
    expect(() => Mask.fromRows(rows.slice(0, 5))).toThrow(/6x5/);
    expect(() => Mask.fromRows([[1, 1, 1, 1, 2], ...rows.slice(1)])).toThrow(/0 or 1/);
    expect(() => Mask.parse('not json')).toThrow(MaskError);
    expect(() => Mask.fromReference(Mask.full().toReference().map((r) => r.map(() => -1000)))).toThrow(/allows no operation/);
  });
});

describe('paper splits', () => {
  it('every family of 8 leaves partitions the 15,625 architectures', async () => {
    const { loadPaperSplits } = await import('./index');
    const splits = loadPaperSplits();
    let families = 0;
    for (const [, byMetric] of splits) {
      for (const [, leaves] of byMetric) {
        families++;
        expect(leaves).toHaveLength(8);
        const seen = new Uint8Array(NUM_ARCHS);
        for (const leaf of leaves) for (const key of leaf.keys()) seen[key]! += 1;
        expect(seen.every((count) => count === 1)).toBe(true);
        // Three binary levels on edges 0..2 leave edges 3..5 full (docs/reference.md §1.7).
        for (const leaf of leaves) expect(leaf.size % 125).toBe(0);
      }
    }
    expect(families).toBe(30);
  });
});

describe('mask JSON (issue 14)', () => {
  const full = (): unknown[][] => Mask.full().toRows();
  const withEntry = (e: number, o: number, v: unknown): unknown[][] => full().map((row, i) => (i === e ? row.map((x, j) => (j === o ? v : x)) : row));

  it.each([
    [true, /mask entry \[0\]\[1\] \(row 0, column 1\) must be the number 0 or 1, got true/],
    [false, /\[0\]\[1\].*got false/],
    ['1', /\[0\]\[1\].*got "1"/],
    [null, /\[0\]\[1\].*got null/],
    [[1], /\[0\]\[1\].*got \[1\]/],
    [[[[[1]]]], /\[0\]\[1\].*got \[\[\[\[…\]\]\]\]/],
    [0.5, /\[0\]\[1\].*got 0\.5/],
  ])('rejects the entry %j with a MaskError naming its row and column', (v, message) => {
    expect(() => Mask.fromRows(withEntry(0, 1, v) as number[][])).toThrow(MaskError);
    expect(() => Mask.fromRows(withEntry(0, 1, v) as number[][])).toThrow(message);
    expect(() => Mask.parse(JSON.stringify(withEntry(0, 1, v)))).toThrow(message);
  });

  it('names the row of a malformed row', () => {
    const rows = full();
    rows[3] = [1, 1, 1];
    expect(() => Mask.fromRows(rows as number[][])).toThrow(/row 3 must have 5 entries/);
    rows[3] = 'abc' as unknown as number[];
    expect(() => Mask.fromRows(rows as number[][])).toThrow(/row 3 must be an array of 5 0\/1 entries, got "abc"/);
  });

  it('refuses JSON nested 5,000 deep with a MaskError, not a stack overflow', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    expect(() => Mask.parse(deep)).toThrow(MaskError);
    expect(() => Mask.parse(deep)).toThrow(/mask JSON nested too deep/);
    let value: unknown = [];
    for (let i = 0; i < 5000; i++) value = [value];
    expect(() => Mask.fromRows(value as number[][])).toThrow(MaskError);
    expect(() => Mask.fromRows([value, ...full().slice(1)] as number[][])).toThrow(/row 0 must have 5 entries/);
  });
});
