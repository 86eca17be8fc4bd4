import { InvalidInputError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { type ImageSet, classCounts, makeImageSet, selectImages } from './image-set';
import { balancedSubset, indexOrderSplit, randomHalves } from './splits';

/** n 1×1 images whose single pixel encodes the index, labels cycling through `classes`. */
function indexedSet(n: number, classes: number): ImageSet {
  const images = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) images.set([i % 256, Math.floor(i / 256), 0], i * 3);
  return makeImageSet({ images, labels: Uint8Array.from({ length: n }, (_, i) => i % classes), height: 1, width: 1, channels: 3 });
}

const idOf = (set: ImageSet, k: number): number => set.images[k * 3]! + 256 * set.images[k * 3 + 1]!;

describe('splits', () => {
  it('randomHalves: seeded, disjoint, covering, sorted halves of ⌊n/2⌋ and the rest', () => {
    const set = indexedSet(1001, 10);
    const a = randomHalves(set, 0);
    expect(a.trainIndices.length).toBe(500);
    expect(a.validIndices.length).toBe(501);
    const all = [...a.trainIndices, ...a.validIndices].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1001 }, (_, i) => i));
    expect([...a.trainIndices]).toEqual([...a.trainIndices].sort((x, y) => x - y));
    // the selected images are the indexed ones
    for (let k = 0; k < 20; k++) expect(idOf(a.train, k)).toBe(a.trainIndices[k]);
    expect([...randomHalves(set, 0).trainIndices]).toEqual([...a.trainIndices]);
    expect([...randomHalves(set, 1).trainIndices]).not.toEqual([...a.trainIndices]);
    // a random half is not the index-order half
    expect(a.trainIndices[499]).toBeGreaterThan(500);
  });

  it('indexOrderSplit: the search split [0, n/2) / [n/2, n) by index', () => {
    const set = indexedSet(50, 10);
    const s = indexOrderSplit(set);
    expect([...s.trainIndices]).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect([...s.validIndices]).toEqual(Array.from({ length: 25 }, (_, i) => i + 25));
    expect(idOf(s.valid, 0)).toBe(25);
    expect(indexOrderSplit(set, 0.2).train.n).toBe(10);
    expect(() => indexOrderSplit(set, 1)).toThrow(InvalidInputError);
  });

  it('balancedSubset: n/classes images per class, seeded, ascending, remainder to the lowest classes', () => {
    const set = indexedSet(1000, 10);
    const { set: sub, indices } = balancedSubset(set, 64, 3);
    expect(sub.n).toBe(64);
    expect(classCounts(sub, 10)).toEqual([7, 7, 7, 7, 6, 6, 6, 6, 6, 6]);
    expect([...indices]).toEqual([...indices].sort((x, y) => x - y));
    expect(new Set(indices).size).toBe(64);
    for (let k = 0; k < 64; k++) expect(set.labels[indices[k]!]).toBe(sub.labels[k]);
    expect([...balancedSubset(set, 64, 3).indices]).toEqual([...indices]);
    expect([...balancedSubset(set, 64, 4).indices]).not.toEqual([...indices]);
  });

  it('balancedSubset fails when a class is too small or n is out of range', () => {
    const set = indexedSet(30, 3);
    expect(() => balancedSubset(set, 31, 0)).toThrow(InvalidInputError);
    const skewed = makeImageSet({ images: new Uint8Array(12 * 3), labels: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]), height: 1, width: 1, channels: 3 });
    expect(() => balancedSubset(skewed, 6, 0)).toThrow(/class 1 has 2 images, 3 needed/);
  });

  it('selectImages copies images, labels and coarse labels and checks indices', () => {
    const set = makeImageSet({
      images: Uint8Array.from([1, 2, 3, 4, 5, 6]),
      labels: Uint8Array.from([0, 1]),
      coarseLabels: Uint8Array.from([5, 6]),
      height: 1,
      width: 1,
      channels: 3,
    });
    const s = selectImages(set, [1, 1, 0]);
    expect([...s.images]).toEqual([4, 5, 6, 4, 5, 6, 1, 2, 3]);
    expect([...s.coarseLabels!]).toEqual([6, 6, 5]);
    expect(() => selectImages(set, [2])).toThrow(InvalidInputError);
  });
});
