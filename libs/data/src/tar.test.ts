import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bufferSource, fileSource, indexTar, readTarEntry, withTarFile } from './tar';
import { makeTar, tempDir, corruptError } from './testing';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);


describe('tar reader', () => {
  it('indexes members and reads their bytes, including ustar-prefixed long names', () => {
    const long = `${'deep/'.repeat(25)}file.txt`;
    const tar = makeTar([
      { name: 'a', type: 'directory' },
      { name: 'a/one.txt', data: bytes('hello') },
      { name: 'a/empty', data: new Uint8Array(0) },
      { name: 'a/big.bin', data: new Uint8Array(1500).fill(7) },
      { name: long, data: bytes('long') },
    ]);
    const source = bufferSource(tar);
    const entries = indexTar(source, 'mem.tar');
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['a', 'directory', 0],
      ['a/one.txt', 'file', 5],
      ['a/empty', 'file', 0],
      ['a/big.bin', 'file', 1500],
      [long, 'file', 4],
    ]);
    expect(text(readTarEntry(source, entries[1]!))).toBe('hello');
    expect(readTarEntry(source, entries[3]!).every((b) => b === 7)).toBe(true);
    expect(text(readTarEntry(source, entries[4]!))).toBe('long');
  });

  it('reads archives written by GNU tar in pax and gnu formats (long names, global headers)', () => {
    const dir = tempDir();
    const long = `${'x'.repeat(120)}.txt`;
    mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'src', 'sub', long), 'payload');
    writeFileSync(join(dir, 'src', 'small.txt'), '12345');
    symlinkSync('y'.repeat(150), join(dir, 'src', 'sub', 'link')); // long link target: GNU 'K' record
    for (const format of ['pax', 'gnu']) {
      const archive = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-cf', archive, '-C', join(dir, 'src'), 'small.txt', 'sub']);
      const names = withTarFile(archive, (source, entries) =>
        entries.filter((e) => e.type === 'file').map((e) => [e.name, text(readTarEntry(source, e))]),
      );
      expect(names).toEqual([
        ['small.txt', '12345'],
        [`sub/${long}`, 'payload'],
      ]);
      const all = withTarFile(archive, (_source, entries) => entries.map((e) => `${e.type}:${e.name}`).sort());
      expect(all).toEqual(['directory:sub', 'file:small.txt', `file:sub/${long}`, 'other:sub/link']);
    }
  });

  it('serves reads through its window from a file source', () => {
    const dir = tempDir();
    const file = join(dir, 'x.bin');
    const data = Uint8Array.from({ length: 10_000 }, (_, i) => i % 251);
    writeFileSync(file, data);
    const source = fileSource(file, 1024);
    expect([...source.read(5000, 3)]).toEqual([5000 % 251, 5001 % 251, 5002 % 251]);
    expect([...source.read(9998, 10)]).toEqual([9998 % 251, 9999 % 251]);
    expect(source.read(100, 5000)).toEqual(data.slice(100, 5100));
    source.close();
  });

  it('rejects a header whose checksum does not match, naming the file and offset', () => {
    const tar = makeTar([
      { name: 'ok.txt', data: bytes('fine') },
      { name: 'bad.txt', data: bytes('broken') },
    ]);
    tar[1024 + 3] ^= 0xff; // second header starts at 1024 (512 header + 512 data)
    const error = corruptError(() => indexTar(bufferSource(tar), 'bad.tar'));
    expect(error.message).toContain('bad.tar');
    expect(error.message).toContain('header at byte 1024');
    expect(error.message).toContain('checksum');
  });

  it('rejects a non-tar file and a member cut short', () => {
    expect(corruptError(() => indexTar(bufferSource(new Uint8Array(600).fill(65)), 'notatar.bin')).message).toContain('notatar.bin');
    const tar = makeTar([{ name: 'big.bin', data: new Uint8Array(5000) }]);
    const cut = tar.slice(0, 2048);
    const error = corruptError(() => indexTar(bufferSource(cut), 'cut.tar'));
    expect(error.message).toContain('cut.tar');
    expect(error.message).toContain('truncated');
    // cut exactly between members: the missing end-of-archive marker gives it away
    const two = makeTar([
      { name: 'a.txt', data: bytes('a') },
      { name: 'b.txt', data: bytes('b') },
    ]);
    expect(corruptError(() => indexTar(bufferSource(two.slice(0, 1024)), 'between.tar')).message).toMatch(/between\.tar:byte 1024: .*end-of-archive marker/);
    expect(corruptError(() => indexTar(bufferSource(two.slice(0, 1024 + 100)), 'inside.tar')).message).toContain('inside a header');
  });

  it('returns no members for an empty archive', () => {
    expect(indexTar(bufferSource(makeTar([])), 'empty.tar')).toEqual([]);
    expect(indexTar(bufferSource(new Uint8Array(0)), 'zero.tar')).toEqual([]);
  });
});
