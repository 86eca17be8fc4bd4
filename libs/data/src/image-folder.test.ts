import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImageFolderTar } from './image-folder';
import { type TarMember, flat, jpegBytes, makeTar, pattern, pngBytes, tempDir, corruptError } from './testing';

const COLOURS: Record<string, [number, number, number]> = {
  cat: [200, 30, 30],
  dog: [30, 200, 30],
  ant: [30, 30, 200],
};

function writeTar(members: TarMember[]): string {
  const path = join(tempDir(), 'images.tar');
  writeFileSync(path, makeTar(members));
  return path;
}

function jpegMember(name: string, rgb: [number, number, number], size = 8): TarMember {
  return { name, data: jpegBytes(flat(size, size, rgb), size, size) };
}


describe('image-folder tar reader', () => {
  it('assigns class ids by sorted folder name and orders images by sorted path, whatever the archive order', () => {
    const path = writeTar([
      { name: 'train', type: 'directory' },
      jpegMember('train/dog/2.jpg', COLOURS['dog']!),
      jpegMember('train/cat/1.jpg', COLOURS['cat']!),
      jpegMember('train/ant/9.jpg', COLOURS['ant']!),
      jpegMember('train/dog/1.jpg', COLOURS['dog']!),
      jpegMember('test/cat/0.jpg', COLOURS['cat']!),
      { name: 'README.md', data: new TextEncoder().encode('not an image') },
      { name: 'train/cat/.DS_Store', data: new Uint8Array(3) },
    ]);
    const { splits, classes } = readImageFolderTar(path, { splits: ['train', 'test'], quiet: true });
    expect(classes).toEqual(['ant', 'cat', 'dog']);
    const train = splits['train']!;
    expect([train.n, train.height, train.width, train.channels]).toEqual([4, 8, 8, 3]);
    expect([...train.labels]).toEqual([0, 1, 2, 2]);
    expect([...splits['test']!.labels]).toEqual([1]);
    // flat colours survive JPEG within a few levels: image k has its class's colour
    const size = 8 * 8 * 3;
    [COLOURS['ant']!, COLOURS['cat']!, COLOURS['dog']!, COLOURS['dog']!].forEach((rgb, k) => {
      const centre = train.images.subarray(k * size + (4 * 8 + 4) * 3, k * size + (4 * 8 + 4) * 3 + 3);
      [0, 1, 2].forEach((c) => expect(Math.abs(centre[c]! - rgb[c]!)).toBeLessThanOrEqual(4));
    });
  });

  it('decodes PNG members exactly and accepts one wrapping top folder', () => {
    const a = pattern(5, 7, 1);
    const b = pattern(5, 7, 2);
    const path = writeTar([
      { name: 'cifar/train/x/a.png', data: pngBytes(a, 7, 5) },
      { name: 'cifar/train/y/b.png', data: pngBytes(b, 7, 5) },
    ]);
    const { splits } = readImageFolderTar(path, { splits: ['train'], quiet: true });
    const train = splits['train']!;
    expect([train.height, train.width]).toEqual([5, 7]);
    expect(train.images.subarray(0, a.length)).toEqual(a);
    expect(train.images.subarray(a.length)).toEqual(b);
  });

  it('rejects images spread over several top folders instead of silently reading one', () => {
    const path = writeTar([jpegMember('a/train/x/1.jpg', [1, 2, 3]), jpegMember('b/train/x/1.jpg', [1, 2, 3])]);
    expect(corruptError(() => readImageFolderTar(path, { splits: ['train'], quiet: true })).message).toContain('several: a, b');
  });

  it('keeps only the first k images per class with maxPerClass', () => {
    const members = ['c/3', 'c/1', 'c/2', 'd/1'].map((n) => jpegMember(`train/${n}.jpg`, [9, 9, 9]));
    const { splits } = readImageFolderTar(writeTar(members), { splits: ['train'], maxPerClass: 2, quiet: true });
    expect([...splits['train']!.labels]).toEqual([0, 0, 1]);
  });

  it('rejects a class folder outside the given class list, naming archive and member', () => {
    const path = writeTar([jpegMember('train/cat/1.jpg', [1, 2, 3]), jpegMember('train/zebra/1.jpg', [1, 2, 3])]);
    const error = corruptError(() => readImageFolderTar(path, { splits: ['train'], classes: ['cat', 'dog'], quiet: true }));
    expect(error.file).toBe(path);
    expect(error.message).toContain('train/zebra/1.jpg');
    expect(error.message).toContain("unknown class folder 'zebra'");
  });

  it('rejects a test class that the train split does not have', () => {
    const path = writeTar([jpegMember('train/cat/1.jpg', [1, 2, 3]), jpegMember('test/cow/1.jpg', [1, 2, 3])]);
    expect(corruptError(() => readImageFolderTar(path, { splits: ['train', 'test'], quiet: true })).message).toContain("'cow'");
  });

  it('rejects empty archives: no members at all, or no images in the split folders', () => {
    const empty = writeTar([]);
    expect(corruptError(() => readImageFolderTar(empty, { splits: ['train'], quiet: true })).message).toMatch(/images\.tar: empty archive/);
    const zero = join(tempDir(), 'zero.tar');
    writeFileSync(zero, new Uint8Array(0));
    expect(corruptError(() => readImageFolderTar(zero, { splits: ['train'], quiet: true })).file).toBe(zero);
    const other = writeTar([jpegMember('valid/cat/1.jpg', [1, 2, 3])]);
    expect(corruptError(() => readImageFolderTar(other, { splits: ['train'], quiet: true })).message).toContain('empty archive');
    const missingSplit = writeTar([jpegMember('train/cat/1.jpg', [1, 2, 3])]);
    expect(corruptError(() => readImageFolderTar(missingSplit, { splits: ['train', 'test'], quiet: true })).message).toContain("'test/'");
  });

  it('rejects an undecodable JPEG, naming the member', () => {
    const good = jpegBytes(flat(8, 8, [5, 5, 5]), 8, 8);
    const broken = good.slice(0, 40);
    const path = writeTar([
      { name: 'train/cat/1.jpg', data: good },
      { name: 'train/cat/2.jpg', data: broken },
    ]);
    const error = corruptError(() => readImageFolderTar(path, { splits: ['train'], quiet: true }));
    expect(error.message).toContain('member train/cat/2.jpg');
    expect(error.message).toContain('cannot decode JPEG');
  });

  it('rejects images of different sizes and non-image files in class folders', () => {
    const sizes = writeTar([jpegMember('train/a/1.jpg', [1, 1, 1], 8), jpegMember('train/a/2.jpg', [1, 1, 1], 16)]);
    expect(corruptError(() => readImageFolderTar(sizes, { splits: ['train'], quiet: true })).message).toContain('16x16');
    const text = writeTar([{ name: 'train/a/notes.txt', data: new Uint8Array(4) }]);
    expect(corruptError(() => readImageFolderTar(text, { splits: ['train'], quiet: true })).message).toContain('notes.txt');
  });
});
