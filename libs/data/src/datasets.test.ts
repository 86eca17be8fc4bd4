import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, DATA_SOURCES, dataDirs, datasetSource } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES } from './cifar-binary';
import { CIFAR100_BINARY_DIR, CIFAR10_BINARY_DIR, CIFAR10_JPEG_TAR, loadCifar10 } from './datasets';
import { flat, jpegBytes, makeTar, tempDir } from './testing';

function writeJpegTar(root: string, names: string[]): string {
  const dir = join(root, 'cifar10');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'cifar10_jpeg.tar');
  writeFileSync(path, makeTar(names.map((name) => ({ name, data: jpegBytes(flat(32, 32, [90, 120, 150]), 32, 32) }))));
  return path;
}

/** A binary CIFAR-10 in the project's or the shared data folder would win over the test's tar in 'auto' mode. */
function binaryElsewhere(): boolean {
  return dataDirs({}).some((dir) => existsSync(join(dir, CIFAR10_BINARY_DIR)));
}

describe('loadCifar10 source selection', () => {
  it.skipIf(binaryElsewhere())("'auto' falls back to the JPEG tar, labels follow the official class order, and the cache is used", () => {
    const root = tempDir();
    const tar = writeJpegTar(root, ['train/truck/0.jpg', 'train/airplane/0.jpg', 'train/cat/5.jpg', 'test/ship/0.jpg']);
    const cache = join(root, 'cache');
    const data = loadCifar10({ env: { FSNAS_DATA_DIR: root }, cache, quiet: true });
    expect(data.source).toBe(`jpeg-tar:${tar}`);
    expect(data.classes).toEqual(CIFAR10_CLASSES);
    expect([...data.train.labels]).toEqual([0, 3, 9]);
    expect([...data.test.labels]).toEqual([8]);
    expect([data.train.height, data.train.width, data.train.channels]).toEqual([32, 32, 3]);
    expect(readdirSync(cache)).toHaveLength(1);
    const again = loadCifar10({ env: { FSNAS_DATA_DIR: root }, cache, quiet: true });
    expect(again.train.images).toEqual(data.train.images);
  });

  it('rejects a class folder that is not a CIFAR-10 class', () => {
    const root = tempDir();
    writeJpegTar(root, ['train/cat/0.jpg', 'train/kitten/0.jpg', 'test/cat/0.jpg']);
    expect(() => loadCifar10({ source: 'jpeg-tar', env: { FSNAS_DATA_DIR: root }, cache: false, quiet: true })).toThrow(CorruptDataError);
    expect(() => loadCifar10({ source: 'jpeg-tar', env: { FSNAS_DATA_DIR: root }, cache: false, quiet: true })).toThrow(/unknown class folder 'kitten'/);
  });

  it("'jpeg-tar' ignores a binary folder that is present", () => {
    const root = tempDir();
    mkdirSync(join(root, 'cifar10', 'cifar-10-batches-bin'), { recursive: true });
    writeJpegTar(root, ['train/dog/0.jpg', 'test/dog/0.jpg']);
    const data = loadCifar10({ source: 'jpeg-tar', env: { FSNAS_DATA_DIR: root }, cache: false, quiet: true });
    expect([...data.train.labels]).toEqual([5]);
  });
});

describe('dataset sources', () => {
  it("lists the loaders' sources in their order of preference, which data status reports", () => {
    const sources = (dataset: string) => DATA_SOURCES.filter((s) => s.serves === dataset).map((s) => s.path);
    expect(sources('cifar10')).toEqual([CIFAR10_BINARY_DIR, CIFAR10_JPEG_TAR]);
    expect(sources('cifar100')).toEqual([CIFAR100_BINARY_DIR]);
  });

  it.skipIf(binaryElsewhere())("'auto' reads the source datasetSource names", () => {
    const root = tempDir();
    const tar = writeJpegTar(root, ['train/dog/0.jpg', 'test/dog/0.jpg']);
    expect(datasetSource('cifar10', { FSNAS_DATA_DIR: root })?.found).toBe(tar);
    expect(loadCifar10({ env: { FSNAS_DATA_DIR: root }, cache: false, quiet: true }).source).toBe(`jpeg-tar:${tar}`);
  });
});
