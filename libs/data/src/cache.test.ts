import { readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageCache, sourceKey, writeImageCache } from './cache';
import { loadImageFolderTar } from './datasets';
import { DECODER_ID } from './decode';
import { makeImageSet } from './image-set';
import { makeTar, pattern, pngBytes, tempDir } from './testing';

function sampleSet(seed: number, n = 3, coarse = false) {
  const images = new Uint8Array(n * 4 * 5 * 3);
  for (let k = 0; k < n; k++) images.set(pattern(4, 5, seed + k), k * 60);
  return makeImageSet({
    images,
    labels: Uint8Array.from({ length: n }, (_, k) => k % 2),
    ...(coarse ? { coarseLabels: Uint8Array.from({ length: n }, (_, k) => 7 + k) } : {}),
    height: 4,
    width: 5,
    channels: 3,
  });
}

function pngTar(dir: string): string {
  const path = join(dir, 'imgs.tar');
  writeFileSync(
    path,
    makeTar(['a/1', 'a/2', 'b/1'].map((n, k) => ({ name: `train/${n}.png`, data: pngBytes(pattern(4, 4, k), 4, 4) }))),
  );
  return path;
}

describe('decoded-image cache', () => {
  it('round-trips sets with labels and coarse labels', () => {
    const dir = tempDir();
    const source = join(dir, 'src.bin');
    writeFileSync(source, 'x');
    const key = sourceKey('test', source, { a: 1 });
    const path = join(dir, 'c.fsimg');
    const train = sampleSet(1, 3, true);
    const test = sampleSet(9, 2);
    writeImageCache(path, key, { sets: { train, test }, classes: ['p', 'q'] });
    const read = readImageCache(path, key);
    if (!read.ok) throw new Error(read.reason);
    expect(read.data.classes).toEqual(['p', 'q']);
    expect(read.data.sets['train']!.images).toEqual(train.images);
    expect(read.data.sets['train']!.coarseLabels).toEqual(train.coarseLabels);
    expect(read.data.sets['test']!.labels).toEqual(test.labels);
    expect(read.data.sets['test']!.coarseLabels).toBeUndefined();
    expect([read.data.sets['train']!.height, read.data.sets['train']!.width]).toEqual([4, 5]);
  });

  it('refuses a cache with a flipped payload byte, a truncated file, other options or a changed source', () => {
    const dir = tempDir();
    const source = join(dir, 'src.bin');
    writeFileSync(source, 'x');
    const key = sourceKey('test', source, { a: 1 });
    const path = join(dir, 'c.fsimg');
    writeImageCache(path, key, { sets: { train: sampleSet(1) }, classes: ['p', 'q'] });
    const good = readFileSync(path);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 10] ^= 1;
    writeFileSync(path, flipped);
    expect(readImageCache(path, key)).toEqual({ ok: false, reason: 'payload checksum mismatch (corrupt file)' });

    writeFileSync(path, good.subarray(0, good.length - 1));
    expect(readImageCache(path, key).ok).toBe(false);

    writeFileSync(path, good);
    expect(readImageCache(path, key).ok).toBe(true);
    expect(readImageCache(path, sourceKey('test', source, { a: 2 })).ok).toBe(false);
    utimesSync(source, new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect(readImageCache(path, sourceKey('test', source, { a: 1 }))).toMatchObject({ ok: false, reason: expect.stringContaining('different source') });

    writeFileSync(path, 'garbage');
    expect(readImageCache(path, key).ok).toBe(false);
  });

  it('loadImageFolderTar decodes once, then serves the cache; a corrupt cache is rebuilt, never used', () => {
    const dir = tempDir();
    const tar = pngTar(dir);
    const cacheDir = join(dir, 'cache');
    const first = loadImageFolderTar(tar, { splits: ['train'], cache: cacheDir, quiet: true });
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    const cacheFile = join(cacheDir, files[0]!);

    // Prove the second load reads the cache: a validly re-written cache with other labels is what comes back.
    const key = sourceKey(`image-folder-tar/${DECODER_ID}`, tar, { splits: ['train'], classes: null, maxPerClass: null });
    const altered = { ...first.splits['train']!, labels: Uint8Array.from([1, 1, 1]) };
    writeImageCache(cacheFile, key, { sets: { train: altered }, classes: first.classes });
    expect([...loadImageFolderTar(tar, { splits: ['train'], cache: cacheDir, quiet: true }).splits['train']!.labels]).toEqual([1, 1, 1]);

    // A damaged cache is detected and rebuilt from the archive.
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(cacheFile, bytes);
    const rebuilt = loadImageFolderTar(tar, { splits: ['train'], cache: cacheDir, quiet: true });
    expect([...rebuilt.splits['train']!.labels]).toEqual([0, 0, 1]);
    expect(rebuilt.splits['train']!.images).toEqual(first.splits['train']!.images);
    expect(readImageCache(cacheFile, key).ok).toBe(true);
  });

  it('rebuilds when the archive changes', () => {
    const dir = tempDir();
    const tar = pngTar(dir);
    const cacheDir = join(dir, 'cache');
    loadImageFolderTar(tar, { splits: ['train'], cache: cacheDir, quiet: true });
    writeFileSync(tar, makeTar([{ name: 'train/z/1.png', data: pngBytes(pattern(4, 4, 5), 4, 4) }]));
    const again = loadImageFolderTar(tar, { splits: ['train'], cache: cacheDir, quiet: true });
    expect(again.classes).toEqual(['z']);
    expect(again.splits['train']!.n).toBe(1);
  });
});
