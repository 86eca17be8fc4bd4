import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CorruptDataError } from '@fsnas/core';

/**
 * A small indexed tar reader (POSIX ustar, plus the pax and GNU long-name extensions that GNU tar and
 * Python's tarfile write). Archives are read in place: the index holds each member's offset, and a
 * member's bytes are read only when asked for, so a 90 MB image archive is never unpacked on disk.
 */

const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'other';

export interface TarEntry {
  /** Full member path, without a leading `./`. Directories keep no trailing slash. */
  readonly name: string;
  readonly type: TarEntryType;
  readonly size: number;
  /** Byte offset of the member's data inside the archive. */
  readonly dataOffset: number;
  /** Byte offset of the member's (first) header, for error messages. */
  readonly headerOffset: number;
}

/** Random-access bytes: a file read through a read-ahead window, or an in-memory buffer. */
export interface ByteSource {
  readonly size: number;
  /** Exactly `length` bytes at `offset` (fewer only at the end of the source). The caller owns the copy. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
    close: () => undefined,
  };
}

/**
 * Reads a file through a 4 MiB window. Walking the headers of an archive of small members then costs a
 * few dozen system calls instead of one per member, and reading members in archive order streams.
 */
export function fileSource(path: string, windowBytes = 4 << 20): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let window = new Uint8Array(0);
  let windowStart = 0;
  let closed = false;
  return {
    size,
    read(offset, length) {
      const end = Math.min(size, offset + length);
      if (offset >= windowStart && end <= windowStart + window.length) {
        return window.slice(offset - windowStart, end - windowStart);
      }
      if (end - offset > windowBytes) {
        const out = new Uint8Array(end - offset);
        readFully(fd, out, offset);
        return out;
      }
      window = new Uint8Array(Math.min(windowBytes, size - offset));
      windowStart = offset;
      readFully(fd, window, offset);
      return window.slice(0, end - offset);
    },
    close() {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

function readFully(fd: number, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
}

const decoder = new TextDecoder('utf-8');

function cString(block: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && block[end] !== 0) end++;
  return decoder.decode(block.subarray(start, end));
}

/** Numeric header fields are octal text, or base-256 (high bit of the first byte set) for huge values. */
function numberField(block: Uint8Array, start: number, length: number, file: string, where: string, field: string): number {
  const first = block[start] ?? 0;
  if (first & 0x80) {
    let value = first & 0x7f;
    for (let i = start + 1; i < start + length; i++) value = value * 256 + (block[i] ?? 0);
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new CorruptDataError(file, where, `tar header field '${field}' is not octal: '${text}'`);
  return parseInt(text, 8);
}

function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < block.length; i++) if (block[i] !== 0) return false;
  return true;
}

/** The header checksum is the byte sum with the checksum field itself read as eight spaces. */
function checksumOk(block: Uint8Array, stored: number): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  // Some old writers summed signed chars; accept either so such archives still open.
  return stored === unsigned || stored === signed;
}

/** Records of a pax extended header: `"<len> <key>=<value>\n"`, repeated. */
function parsePax(bytes: Uint8Array, file: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < bytes.length) {
    let space = pos;
    while (space < bytes.length && bytes[space] !== 0x20) space++;
    const len = Number(decoder.decode(bytes.subarray(pos, space)));
    if (!Number.isInteger(len) || len <= 0 || pos + len > bytes.length) {
      if (bytes.subarray(pos).every((b) => b === 0)) break;
      throw new CorruptDataError(file, where, 'malformed pax extended header record');
    }
    const record = decoder.decode(bytes.subarray(space + 1, pos + len - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function normaliseName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  while (n.endsWith('/')) n = n.slice(0, -1);
  return n;
}

/**
 * Walks every header of the archive and returns its members in archive order. `file` names the
 * archive in errors. Throws CorruptDataError on a bad checksum, a non-octal field, or a member that
 * runs past the end of the file (a truncated download).
 */
export function indexTar(source: ByteSource, file: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  let pax = new Map<string, string>();
  let pendingHeader: number | null = null;
  let ended = false;
  while (offset + BLOCK <= source.size) {
    const block = source.read(offset, BLOCK);
    const where = `header at byte ${offset}`;
    if (isZeroBlock(block)) {
      ended = true; // end-of-archive marker
      break;
    }
    const stored = numberField(block, 148, 8, file, where, 'chksum');
    if (!checksumOk(block, stored)) {
      throw new CorruptDataError(file, where, 'tar header checksum mismatch (not a tar archive, or a corrupt one)');
    }
    const typeflag = String.fromCharCode(block[156] ?? 0);
    let size = numberField(block, 124, 12, file, where, 'size');
    const isMember = !['x', 'g', 'L', 'K'].includes(typeflag);
    const paxSize = isMember ? pax.get('size') : undefined;
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw new CorruptDataError(file, where, `pax size '${paxSize}' is not a byte count`);
      size = Number(paxSize);
    }
    const dataOffset = offset + BLOCK;
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (dataOffset + size > source.size) {
      throw new CorruptDataError(file, where, `member needs ${size} bytes but the file ends at byte ${source.size} (truncated?)`);
    }
    const headerOffset: number = pendingHeader ?? offset;
    if (typeflag === 'x') {
      pax = parsePax(source.read(dataOffset, size), file, where);
      pendingHeader = headerOffset;
    } else if (typeflag === 'g') {
      // Global pax headers (git archive's commit id) describe the archive, not a member: skip.
    } else if (typeflag === 'L') {
      longName = cString(source.read(dataOffset, size), 0, size);
      pendingHeader = headerOffset;
    } else if (typeflag === 'K') {
      // GNU long link target: only matters for links, which are not read as members' data.
      pendingHeader = headerOffset;
    } else {
      // Only POSIX ustar ("ustar\0") has the name prefix at 345; old GNU ("ustar  ") keeps times there.
      const posix = cString(block, 257, 6) === 'ustar' && block[262] === 0;
      const prefix = posix ? cString(block, 345, 155) : '';
      const shortName = cString(block, 0, 100);
      const raw = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
      const type: TarEntryType =
        typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'directory' : 'other';
      entries.push({ name: normaliseName(raw), type, size, dataOffset, headerOffset });
      longName = null;
      pax = new Map();
      pendingHeader = null;
    }
    offset = next;
  }
  if (!ended && source.size > 0) {
    // Every tar writer ends with zero blocks; without them the copy was cut, possibly between members.
    const detail = offset < source.size ? 'archive ends inside a header block' : 'archive has no end-of-archive marker';
    throw new CorruptDataError(file, `byte ${offset}`, `${detail} (truncated?)`);
  }
  return entries;
}

export function readTarEntry(source: ByteSource, entry: TarEntry): Uint8Array {
  return source.read(entry.dataOffset, entry.size);
}

/** Index a tar file on disk, call `use` with its source, then close the file. */
export function withTarFile<T>(path: string, use: (source: ByteSource, entries: TarEntry[]) => T): T {
  const source = fileSource(path);
  try {
    return use(source, indexTar(source, path));
  } finally {
    source.close();
  }
}
