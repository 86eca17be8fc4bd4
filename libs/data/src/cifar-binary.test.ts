import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataNotFoundError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import {
  CIFAR100_CLASSES,
  CIFAR100_COARSE_CLASSES,
  CIFAR10_CLASSES,
  encodeCifarRecords,
  readCifar100Binary,
  readCifar10Binary,
} from './cifar-binary';
import { loadCifar10, loadCifar100 } from './datasets';
import { makeImageSet } from './image-set';
import { pattern, tempDir, corruptError } from './testing';

/**
 * Writes CIFAR-10 records by hand in the official layout (label byte, then the R plane, G plane and B
 * plane, each 32×32 row-major), independently of the library's own encoder.
 */
function cifar10Records(labels: number[], seedBase: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, k) => {
    const rec = k * 3073;
    out[rec] = label;
    const hwc = pattern(32, 32, seedBase + k);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) out[rec + 1 + c * 1024 + y * 32 + x] = hwc[(y * 32 + x) * 3 + c]!;
      }
    }
  });
  return out;
}

function writeCifar10(dir: string, perBatch = 3): void {
  mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) {
    const labels = Array.from({ length: perBatch }, (_, i) => (b + i) % 10);
    writeFileSync(join(dir, `data_batch_${b}.bin`), cifar10Records(labels, b * 100));
  }
  writeFileSync(join(dir, 'test_batch.bin'), cifar10Records([9, 0], 900));
}

function cifar100Records(pairs: [number, number][], seedBase: number): Uint8Array {
  const images = new Uint8Array(pairs.length * 3072);
  pairs.forEach((_, k) => images.set(pattern(32, 32, seedBase + k), k * 3072));
  const set = makeImageSet({
    images,
    labels: Uint8Array.from(pairs.map((p) => p[1])),
    coarseLabels: Uint8Array.from(pairs.map((p) => p[0])),
    height: 32,
    width: 32,
    channels: 3,
  });
  return encodeCifarRecords(set);
}


describe('CIFAR-10 binary reader', () => {
  it('reads the five train batches in order and the test batch, converting CHW records to HWC', () => {
    const dir = join(tempDir(), 'cifar-10-batches-bin');
    writeCifar10(dir);
    const { train, test, classes } = readCifar10Binary(dir);
    expect(classes).toEqual(CIFAR10_CLASSES);
    expect([train.n, train.height, train.width, train.channels]).toEqual([15, 32, 32, 3]);
    expect(test.n).toBe(2);
    expect(train.images.length).toBe(15 * 3072);
    expect([...train.labels]).toEqual([1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 7]);
    expect([...test.labels]).toEqual([9, 0]);
    // image 4 = batch 2, record 1 → pattern seed 201; check a pixel off the diagonal in every channel
    const expected = pattern(32, 32, 201);
    expect(train.images.subarray(4 * 3072, 5 * 3072)).toEqual(expected);
    const [y, x] = [5, 17];
    expect([0, 1, 2].map((c) => train.images[4 * 3072 + (y * 32 + x) * 3 + c])).toEqual([0, 1, 2].map((c) => expected[(y * 32 + x) * 3 + c]));
    expect(test.images.subarray(3072, 6144)).toEqual(pattern(32, 32, 901));
  });

  it('takes class names from batches.meta.txt when present', () => {
    const dir = tempDir();
    writeCifar10(dir, 1);
    writeFileSync(join(dir, 'batches.meta.txt'), `${CIFAR10_CLASSES.map((c) => c.toUpperCase()).join('\n')}\n\n`);
    expect(readCifar10Binary(dir).classes[9]).toBe('TRUCK');
  });

  it('rejects a truncated batch, naming the file and the record size', () => {
    const dir = tempDir();
    writeCifar10(dir);
    const path = join(dir, 'data_batch_3.bin');
    writeFileSync(path, cifar10Records([1, 2, 3], 0).subarray(0, 3073 * 2 + 1000));
    const error = corruptError(() => readCifar10Binary(dir));
    expect(error.file).toBe(path);
    expect(error.message).toContain('3073-byte record');
  });

  it('rejects CIFAR-100 records given as CIFAR-10 (wrong record size)', () => {
    const dir = tempDir();
    writeCifar10(dir);
    writeFileSync(join(dir, 'test_batch.bin'), cifar100Records([[1, 2], [3, 4]], 0));
    expect(corruptError(() => readCifar10Binary(dir)).file).toBe(join(dir, 'test_batch.bin'));
  });

  it('rejects a label outside 0..9, naming file and record', () => {
    const dir = tempDir();
    writeCifar10(dir);
    const records = cifar10Records([1, 2, 3], 0);
    records[2 * 3073] = 10;
    writeFileSync(join(dir, 'data_batch_5.bin'), records);
    const error = corruptError(() => readCifar10Binary(dir));
    expect(error.message).toContain('data_batch_5.bin:record 2');
    expect(error.message).toContain('label 10 is outside 0..9');
  });

  it('rejects an empty or missing batch file', () => {
    const dir = tempDir();
    writeCifar10(dir);
    writeFileSync(join(dir, 'data_batch_1.bin'), new Uint8Array(0));
    expect(corruptError(() => readCifar10Binary(dir)).file).toBe(join(dir, 'data_batch_1.bin'));
    expect(corruptError(() => readCifar10Binary(join(dir, 'nope'))).message).toMatch(/data_batch_1\.bin.*missing/);
  });

  it('loadCifar10 prefers the official binary found through FSNAS_DATA_DIR', () => {
    const root = tempDir();
    writeCifar10(join(root, 'cifar10', 'cifar-10-batches-bin'));
    const data = loadCifar10({ env: { FSNAS_DATA_DIR: root }, cache: false, quiet: true });
    expect(data.source).toBe(`binary:${join(root, 'cifar10', 'cifar-10-batches-bin')}`);
    expect(data.train.n).toBe(15);
    expect(data.classes).toEqual(CIFAR10_CLASSES);
  });

  it("loadCifar10({source: 'binary'}) explains where to get the files when they are missing", () => {
    expect(() => loadCifar10({ source: 'binary', env: { FSNAS_DATA_DIR: '/nonexistent-fsnas' } })).toThrow(DataNotFoundError);
    expect(() => loadCifar10({ source: 'binary', env: { FSNAS_DATA_DIR: '/nonexistent-fsnas' } })).toThrow(/fsnas data fetch cifar10/);
  });
});

describe('CIFAR-100 binary reader', () => {
  it('reads coarse and fine labels and pixels from train.bin and test.bin', () => {
    const dir = tempDir();
    const pairs: [number, number][] = [
      [4, 0],
      [1, 99],
      [19, 57],
    ];
    writeFileSync(join(dir, 'train.bin'), cifar100Records(pairs, 10));
    writeFileSync(join(dir, 'test.bin'), cifar100Records([[0, 1]], 50));
    const { train, test, classes, coarseClasses } = readCifar100Binary(dir);
    expect(classes).toEqual(CIFAR100_CLASSES);
    expect(classes).toHaveLength(100);
    expect(coarseClasses).toEqual(CIFAR100_COARSE_CLASSES);
    expect(coarseClasses).toHaveLength(20);
    expect([...train.labels]).toEqual([0, 99, 57]);
    expect([...train.coarseLabels!]).toEqual([4, 1, 19]);
    expect(train.images.subarray(3072, 6144)).toEqual(pattern(32, 32, 11));
    expect(test.n).toBe(1);
    expect([...test.coarseLabels!]).toEqual([0]);
  });

  it('checks the record layout by hand: byte 0 coarse, byte 1 fine, then the R plane', () => {
    const dir = tempDir();
    const rec = new Uint8Array(3074);
    rec[0] = 7;
    rec[1] = 42;
    rec[2] = 200; // R of pixel (0,0)
    rec[2 + 1024] = 100; // G of pixel (0,0)
    rec[2 + 2048 + 33] = 50; // B of pixel (1,1)
    writeFileSync(join(dir, 'train.bin'), rec);
    writeFileSync(join(dir, 'test.bin'), rec);
    const { train } = readCifar100Binary(dir);
    expect([train.coarseLabels![0], train.labels[0]]).toEqual([7, 42]);
    expect([...train.images.subarray(0, 3)]).toEqual([200, 100, 0]);
    expect(train.images[(32 + 1) * 3 + 2]).toBe(50);
  });

  it('rejects a fine label above 99 or a coarse label above 19', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'test.bin'), cifar100Records([[0, 1]], 0));
    const bad = cifar100Records([[0, 1], [0, 2]], 0);
    bad[3074 + 1] = 100;
    writeFileSync(join(dir, 'train.bin'), bad);
    expect(corruptError(() => readCifar100Binary(dir)).message).toMatch(/train\.bin:record 1: fine label 100/);
    bad[3074 + 1] = 5;
    bad[0] = 20;
    writeFileSync(join(dir, 'train.bin'), bad);
    expect(corruptError(() => readCifar100Binary(dir)).message).toMatch(/train\.bin:record 0: coarse label 20/);
  });

  it('rejects a file whose length is not a multiple of 3074 bytes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'train.bin'), cifar100Records([[0, 1]], 0));
    writeFileSync(join(dir, 'test.bin'), new Uint8Array(3073 * 2));
    const error = corruptError(() => readCifar100Binary(dir));
    expect(error.file).toBe(join(dir, 'test.bin'));
    expect(error.message).toContain('3074-byte record');
  });

  it('loadCifar100 finds cifar100/cifar-100-binary under FSNAS_DATA_DIR', () => {
    const root = tempDir();
    const dir = join(root, 'cifar100', 'cifar-100-binary');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.bin'), cifar100Records([[1, 2], [3, 4]], 0));
    writeFileSync(join(dir, 'test.bin'), cifar100Records([[5, 6]], 0));
    const data = loadCifar100({ env: { FSNAS_DATA_DIR: root } });
    expect(data.name).toBe('cifar100');
    expect(data.train.n).toBe(2);
    expect([...data.test.labels]).toEqual([6]);
  });
});
