import { DataNotFoundError, resolveDataFile } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES } from './cifar-binary';
import { CIFAR10_JPEG_TAR } from './datasets';
import { readImageFolderTar } from './image-folder';
import { classCounts } from './image-set';
import { withTarFile } from './tar';

function sharedTar(): string | null {
  try {
    return resolveDataFile(CIFAR10_JPEG_TAR);
  } catch (error) {
    if (error instanceof DataNotFoundError) return null;
    throw error;
  }
}

const tar = sharedTar();

/** The real CIFAR-10 JPEG archive from the shared data folder (skipped where it is absent). */
describe.skipIf(tar === null)('real CIFAR-10 JPEG tar', () => {
  it('indexes 60,000 images: 5,000 train and 1,000 test per class', () => {
    const counts = withTarFile(tar!, (_source, entries) => {
      const c = new Map<string, number>();
      for (const e of entries) {
        if (e.type !== 'file') continue;
        const [split, cls] = e.name.split('/');
        c.set(`${split}/${cls}`, (c.get(`${split}/${cls}`) ?? 0) + 1);
      }
      return c;
    });
    expect(counts.size).toBe(20);
    for (const cls of CIFAR10_CLASSES) {
      expect(counts.get(`train/${cls}`)).toBe(5000);
      expect(counts.get(`test/${cls}`)).toBe(1000);
    }
  });

  it('decodes a few hundred images to 32×32×3 with the ten classes in official order and natural-image statistics', () => {
    const { splits, classes } = readImageFolderTar(tar!, { splits: ['train', 'test'], classes: CIFAR10_CLASSES, maxPerClass: 30, quiet: true });
    expect(classes).toEqual(CIFAR10_CLASSES);
    const train = splits['train']!;
    const test = splits['test']!;
    expect([train.n, train.height, train.width, train.channels]).toEqual([300, 32, 32, 3]);
    expect(test.n).toBe(300);
    expect(classCounts(train, 10)).toEqual(new Array(10).fill(30));
    expect([...train.labels.subarray(0, 31)]).toEqual([...new Array(30).fill(0), 1]);
    // CIFAR-10 channel means are about (125, 123, 114) and stds about (63, 62, 67) over the full train set.
    const sums = [0, 0, 0];
    const squares = [0, 0, 0];
    for (let i = 0; i < train.images.length; i++) {
      const v = train.images[i]!;
      sums[i % 3]! += v;
      squares[i % 3]! += v * v;
    }
    const count = train.n * 32 * 32;
    const means = sums.map((s) => s / count);
    const stds = squares.map((q, c) => Math.sqrt(q / count - means[c]! ** 2));
    means.forEach((m) => expect(m).toBeGreaterThan(95));
    means.forEach((m) => expect(m).toBeLessThan(145));
    stds.forEach((s) => expect(s).toBeGreaterThan(45));
    stds.forEach((s) => expect(s).toBeLessThan(85));
    // blue is the darkest channel on average in CIFAR-10
    expect(means[2]).toBeLessThan(means[0]!);
    // images differ from each other (not one image repeated)
    expect(train.images.subarray(0, 3072)).not.toEqual(train.images.subarray(3072, 6144));
  });
});
