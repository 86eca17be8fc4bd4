import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { writableDataDir, writeFileAtomic } from '@fsnas/core';
import { type ImageSet, imageSize, makeImageSet } from './image-set';

/**
 * A compact binary cache of decoded image sets, so the JPEG decoding (tens of seconds for CIFAR-10)
 * happens once. Layout:
 *
 *   "FSNASIMG" | u32 version | u32 header length | header JSON | zero padding to 8 bytes | payload
 *
 * The JSON header names the source (path, size, mtime and the reader options), the classes and each
 * set's shape; the payload holds, per set, its uint8 HWC pixels, then labels, then coarse labels.
 * A CRC-32 of the payload catches a damaged or half-copied file. Any mismatch makes `readImageCache`
 * return a reason instead of data, and the caller rebuilds: the cache is never trusted blindly.
 */

const MAGIC = 'FSNASIMG';
export const IMAGE_CACHE_VERSION = 1;

/** What the cached arrays were made from; a cache is used only when this matches exactly. */
export interface CacheKey {
  readonly reader: string;
  readonly sourcePath: string;
  readonly sourceSize: number;
  readonly sourceMtimeMs: number;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface CachedData {
  readonly sets: Readonly<Record<string, ImageSet>>;
  readonly classes: readonly string[];
  readonly coarseClasses?: readonly string[];
}

interface SetHeader {
  name: string;
  n: number;
  height: number;
  width: number;
  channels: number;
  coarse: boolean;
}

interface Header {
  key: CacheKey;
  classes: string[];
  coarseClasses?: string[];
  sets: SetHeader[];
  payloadBytes: number;
  crc32: number;
}

/** The identity of a source file as the cache key records it. */
export function sourceKey(reader: string, sourcePath: string, options: Readonly<Record<string, unknown>>): CacheKey {
  const st = statSync(sourcePath);
  return { reader, sourcePath, sourceSize: st.size, sourceMtimeMs: Math.floor(st.mtimeMs), options };
}

/** Default cache location: `<writable data dir>/cache/<name>.fsimg`. */
export function cachePath(name: string, cacheDir = join(writableDataDir(), 'cache')): string {
  return join(cacheDir, `${name}.fsimg`);
}

function setBytes(h: SetHeader): number {
  return h.n * h.height * h.width * h.channels + h.n * (h.coarse ? 2 : 1);
}

export function writeImageCache(path: string, key: CacheKey, data: CachedData): void {
  const sets: SetHeader[] = Object.entries(data.sets).map(([name, s]) => ({
    name,
    n: s.n,
    height: s.height,
    width: s.width,
    channels: s.channels,
    coarse: s.coarseLabels !== undefined,
  }));
  const payloadBytes = sets.reduce((sum, h) => sum + setBytes(h), 0);
  const payload = new Uint8Array(payloadBytes);
  let offset = 0;
  for (const h of sets) {
    const s = data.sets[h.name] as ImageSet;
    payload.set(s.images, offset);
    offset += s.images.length;
    payload.set(s.labels, offset);
    offset += s.n;
    if (s.coarseLabels) {
      payload.set(s.coarseLabels, offset);
      offset += s.n;
    }
  }
  const header: Header = {
    key,
    classes: [...data.classes],
    ...(data.coarseClasses ? { coarseClasses: [...data.coarseClasses] } : {}),
    sets,
    payloadBytes,
    crc32: crc32(payload),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = 16 + json.length;
  const payloadStart = Math.ceil(prefix / 8) * 8;
  const file = new Uint8Array(payloadStart + payloadBytes);
  file.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, IMAGE_CACHE_VERSION, true);
  view.setUint32(12, json.length, true);
  file.set(json, 16);
  file.set(payload, payloadStart);
  writeFileAtomic(path, file);
}

export type CacheRead = { readonly ok: true; readonly data: CachedData } | { readonly ok: false; readonly reason: string };

function sameKey(a: CacheKey, b: CacheKey): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reads a cache file if it exists, is intact and was made from `key`; otherwise says why not. */
export function readImageCache(path: string, key: CacheKey): CacheRead {
  if (!existsSync(path)) return { ok: false, reason: 'no cache yet' };
  const file = readFileSync(path);
  if (file.length < 16 || file.subarray(0, 8).toString('latin1') !== MAGIC) return { ok: false, reason: 'not a cache file (bad magic)' };
  const version = file.readUInt32LE(8);
  if (version !== IMAGE_CACHE_VERSION) return { ok: false, reason: `cache version ${version}, expected ${IMAGE_CACHE_VERSION}` };
  const jsonLength = file.readUInt32LE(12);
  if (16 + jsonLength > file.length) return { ok: false, reason: 'truncated header' };
  let header: Header;
  try {
    header = JSON.parse(file.subarray(16, 16 + jsonLength).toString('utf8')) as Header;
  } catch {
    return { ok: false, reason: 'unreadable header' };
  }
  if (!sameKey(header.key, key)) return { ok: false, reason: 'made from a different source file or options' };
  const payloadStart = Math.ceil((16 + jsonLength) / 8) * 8;
  const expected = header.sets.reduce((sum, h) => sum + setBytes(h), 0);
  if (expected !== header.payloadBytes || file.length !== payloadStart + expected) {
    return { ok: false, reason: `size ${file.length} does not match the header (truncated?)` };
  }
  // Views into the one file buffer: no copies, so loading costs one read plus the checksum.
  const payload = new Uint8Array(file.buffer, file.byteOffset + payloadStart, expected);
  if (crc32(payload) !== header.crc32) return { ok: false, reason: 'payload checksum mismatch (corrupt file)' };
  const sets: Record<string, ImageSet> = {};
  let offset = 0;
  for (const h of header.sets) {
    const pixels = h.n * h.height * h.width * h.channels;
    const images = payload.subarray(offset, offset + pixels);
    offset += pixels;
    const labels = payload.subarray(offset, offset + h.n);
    offset += h.n;
    let coarseLabels: Uint8Array | undefined;
    if (h.coarse) {
      coarseLabels = payload.subarray(offset, offset + h.n);
      offset += h.n;
    }
    const set = makeImageSet({ images, labels, coarseLabels, height: h.height, width: h.width, channels: h.channels });
    if (imageSize(set) * set.n !== images.length) return { ok: false, reason: 'inconsistent set shape' };
    sets[h.name] = set;
  }
  return {
    ok: true,
    data: { sets, classes: header.classes, ...(header.coarseClasses ? { coarseClasses: header.coarseClasses } : {}) },
  };
}
