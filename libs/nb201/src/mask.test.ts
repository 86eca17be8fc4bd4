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
        // Three binary levels on edges 0..2 leave edges 3..5 full (REFERENCE_SPEC §1.7).
        for (const leaf of leaves) expect(leaf.size % 125).toBe(0);
      }
    }
    expect(families).toBe(30);
  });
});
