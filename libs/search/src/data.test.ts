import { BUDGETS } from '@fsnas/core';
import { makeImageSet, type Dataset } from '@fsnas/data';
import { describe, expect, it } from 'vitest';
import { budgetConfig, budgetSpec, BUDGET_SPECS } from './budgets';
import { downsample, searchData } from './data';

function classSorted(source: string): Dataset {
  const n = 200;
  const images = new Uint8Array(n * 32 * 32 * 3).map((_, i) => i % 251);
  const labels = Uint8Array.from({ length: n }, (_, i) => Math.floor(i / 20));
  const train = makeImageSet({ images, labels, height: 32, width: 32, channels: 3 });
  return { name: 'cifar10', train, test: train, classes: Array.from({ length: 10 }, (_, i) => `c${i}`), source };
}

describe('search data', () => {
  it('binary source: the reference index-order halves (docs/reference.md §5.2)', () => {
    const d = searchData(classSorted('binary:/x'), { imageSize: 32, imagesPerHalf: null });
    expect(d.train.n).toBe(100);
    expect(Array.from(d.train.labels.slice(0, 3))).toEqual([0, 0, 0]);
    expect(new Set(d.valid.labels).has(0)).toBe(false);
  });

  it('class-ordered JPEG tar: random halves holding every class, balanced subsets, pooled images', () => {
    const d = searchData(classSorted('jpeg-tar:/x.tar'), { imageSize: 16, imagesPerHalf: 30 });
    expect(d.train.n).toBe(30);
    expect(new Set(d.train.labels).size).toBe(10);
    expect(new Set(d.valid.labels).size).toBe(10);
    expect(d.train.height).toBe(16);
    expect(d.augment && d.augment.pad).toBe(2);
  });

  it('downsample averages k×k blocks', () => {
    const set = makeImageSet({ images: Uint8Array.from([0, 0, 0, 10, 10, 10, 20, 20, 20, 30, 30, 30]), labels: Uint8Array.of(1), height: 2, width: 2, channels: 3 });
    expect(Array.from(downsample(set, 1).images)).toEqual([15, 15, 15]);
  });

  it('budgets: paper is the docs/reference.md §5 setting; laptop and smoke are smaller', () => {
    expect(budgetSpec('paper')).toMatchObject({ net: { C: 16, N: 5 }, batchSize: 64, epochs: 50, imageSize: 32, imagesPerHalf: null, trainBatches: null });
    const c = budgetConfig('paper', { algo: 'darts', mask: [[1, 1, 1, 1, 1]] });
    expect(c).toMatchObject({ lr: 0.025, lrMin: 0.001, momentum: 0.9, weightDecay: 3e-4, gradClip: 5, archLr: 3e-4, archWeightDecay: 1e-3 });
    expect(BUDGET_SPECS.laptop.net.C).toBeLessThan(16);
    expect(() => budgetSpec('huge')).toThrow(/--budget/);
  });

  it('budgets size the RSPS derivation (smoke 8, laptop and medium 30 sampled archs; paper the RSPS default, 100) and leave the other algorithms at their defaults', () => {
    const mask = [[1, 1, 1, 1, 1]];
    expect(BUDGETS.map((b) => budgetConfig(b, { algo: 'rsps', mask }).algorithm)).toEqual([{ archs: 8 }, { archs: 30 }, { archs: 30 }, { archs: 100 }]);
    expect(BUDGETS.map((b) => budgetConfig(b, { algo: 'snas', mask }).algorithm)).toEqual(BUDGETS.map(() => ({ tau: { max: 1, min: 0.1 } })));
  });
});
