import { CorruptDataError } from '@fsnas/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';

/**
 * Helpers for the tests of this library (not exported from the package index): a minimal ustar
 * writer, image encoders and synthetic pixel patterns.
 */

export function tempDir(prefix = 'fsnas-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TarMember {
  readonly name: string;
  readonly data?: Uint8Array;
  readonly type?: 'file' | 'directory';
}

function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  const text = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < length - 1; i++) block[offset + i] = text.charCodeAt(i);
  block[offset + length - 1] = 0;
}

function writeText(block: Uint8Array, offset: number, text: string): void {
  block.set(new TextEncoder().encode(text), offset);
}

function header(name: string, size: number, typeflag: string): Uint8Array {
  const block = new Uint8Array(512);
  let prefix = '';
  let short = name;
  if (new TextEncoder().encode(name).length > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    short = name.slice(cut + 1);
  }
  writeText(block, 0, short);
  writeOctal(block, 100, 8, typeflag === '5' ? 0o755 : 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 1_600_000_000);
  block.fill(0x20, 148, 156);
  writeText(block, 156, typeflag);
  writeText(block, 257, 'ustar');
  writeText(block, 263, '00');
  writeText(block, 345, prefix);
  let sum = 0;
  for (const b of block) sum += b;
  writeOctal(block, 148, 7, sum);
  block[155] = 0x20;
  return block;
}

/** A ustar archive of the members, in the given order, ended by two zero blocks. */
export function makeTar(members: readonly TarMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    parts.push(header(m.name, m.type === 'directory' ? 0 : data.length, m.type === 'directory' ? '5' : '0'));
    if (m.type !== 'directory') {
      parts.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      parts.push(new Uint8Array(pad));
    }
  }
  parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}

/** A deterministic RGB test pattern whose pixels depend on the seed, row, column and channel. */
export function pattern(height: number, width: number, seed: number): Uint8Array {
  const data = new Uint8Array(height * width * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = (seed * 37 + y * 7 + x * 3 + c * 50) % 256;
    }
  }
  return data;
}

/** A flat-colour RGB image: JPEG round trips keep it within a few levels. */
export function flat(height: number, width: number, rgb: readonly [number, number, number]): Uint8Array {
  const data = new Uint8Array(height * width * 3);
  for (let p = 0; p < height * width; p++) data.set(rgb, p * 3);
  return data;
}

function toRgba(rgb: Uint8Array): Uint8Array {
  const n = rgb.length / 3;
  const out = new Uint8Array(n * 4);
  for (let p = 0; p < n; p++) {
    out.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    out[p * 4 + 3] = 255;
  }
  return out;
}

export function jpegBytes(rgb: Uint8Array, width: number, height: number, quality = 95): Uint8Array {
  return encodeJpeg({ data: toRgba(rgb), width, height }, quality).data;
}

export function pngBytes(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(toRgba(rgb));
  return PNG.sync.write(png);
}

/** The CorruptDataError `fn` throws; any other outcome fails the test. */
export function corruptError(fn: () => unknown): CorruptDataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CorruptDataError) return error;
    throw error;
  }
  throw new Error('expected a CorruptDataError');
}
