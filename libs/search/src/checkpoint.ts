import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CorruptDataError, InvalidInputError, checkWritableDir, writeFileAtomic } from '@fsnas/core';
import type { AdamState } from './alphas';

/**
 * Search checkpoints: one file, `FSNASCK1` + u32 header length + JSON header + float32 payload.
 * Written atomically after every epoch, so an interrupted run loses at most the epoch in progress
 * and resumes bit-for-bit (all randomness of epoch e is derived from (seed, e), see search.ts).
 */
const MAGIC = 'FSNASCK1';

export interface TensorRecord {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface CheckpointHeader<R> {
  /** Hash of the SearchConfig: a checkpoint of another config is never resumed. */
  readonly configHash: string;
  /** The SearchConfig itself, so that a refused resume names what changed (absent in older checkpoints). */
  readonly config?: unknown;
  /** Epochs completed. */
  readonly epochsDone: number;
  /** α after the last completed epoch (also in tensors as `alpha`, kept here for reading by eye). */
  readonly alpha: number[];
  readonly adam: AdamState;
  /** Working mask (reference DSNAS pruning). */
  readonly mask: number[][];
  /** Per-epoch records so far. */
  readonly history: R[];
  /** RNG: every stream of epoch e is seeded from (seed, e); the state to resume is this epoch number. */
  readonly rng: { readonly seed: number; readonly nextEpoch: number };
}

export interface Checkpoint<R> {
  readonly header: CheckpointHeader<R>;
  /** `w:<param>` weights and BN stats, `m:<param>` SGD momentum buffers. */
  readonly tensors: TensorRecord[];
}

export function configHash(config: unknown): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
}

/** The settings that differ between two configs, as `path: saved → current` (dotted paths into nested objects). */
export function describeConfigChange(saved: unknown, current: unknown): string[] {
  const leaves = (value: unknown, prefix: string, out: Map<string, string>): Map<string, string> => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    } else out.set(prefix, JSON.stringify(value) ?? 'undefined');
    return out;
  };
  const a = leaves(saved, '', new Map());
  const b = leaves(current, '', new Map());
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).map((k) => `${k}: ${a.get(k) ?? 'unset'} → ${b.get(k) ?? 'unset'}`);
}

export function writeCheckpoint<R>(path: string, ckpt: Checkpoint<R>): void {
  let offset = 0;
  const index = ckpt.tensors.map((t) => {
    const entry = { name: t.name, shape: [...t.shape], offset, length: t.values.length };
    offset += t.values.length;
    return entry;
  });
  const header = Buffer.from(JSON.stringify({ ...ckpt.header, index }));
  const out = new Uint8Array(8 + 4 + header.length + offset * 4 + ((4 - ((12 + header.length) % 4)) % 4));
  out.set(Buffer.from(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, header.length, true);
  out.set(header, 12);
  const dataStart = 12 + header.length + ((4 - ((12 + header.length) % 4)) % 4);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  ckpt.tensors.forEach((t, i) => floats.set(t.values, (index[i] as { offset: number }).offset));
  writeFileAtomic(path, out);
}

/**
 * Check that `path` can be a checkpoint file: absent (it is created, folders too) or a regular file;
 * not a directory, not below a file, and in a folder that can be written (a probe file: /proc/x
 * used to pass here, and the search then hung at its first checkpoint). Throws InvalidInputError
 * naming the path. Cheap, so callers run it before loading any data.
 */
export function checkCheckpointPath(path: string): void {
  const bad = (detail: string): never => {
    throw new InvalidInputError(`checkpoint ${path}${detail}`);
  };
  if (existsSync(path)) {
    const stat = statSync(path);
    if (stat.isDirectory()) bad(' is a directory, not a checkpoint file: give a file path inside it, e.g. <dir>/search.ckpt');
    if (!stat.isFile()) bad(' is not a regular file');
  } else {
    for (let dir = dirname(path); dirname(dir) !== dir; dir = dirname(dir)) {
      if (existsSync(dir)) {
        if (!statSync(dir).isDirectory()) bad(`: ${dir} is not a directory`);
        break;
      }
    }
  }
  checkWritableDir(dirname(path), `checkpoint ${path}`);
}

export function readCheckpoint<R>(path: string): Checkpoint<R> | null {
  checkCheckpointPath(path);
  if (!existsSync(path)) return null;
  const buf = readFileSync(path);
  if (buf.length < 12 || buf.subarray(0, 8).toString() !== MAGIC) throw new CorruptDataError(path, "header", "not an fsnas search checkpoint");
  const len = buf.readUInt32LE(8);
  let parsed: CheckpointHeader<R> & { index: { name: string; shape: number[]; offset: number; length: number }[] };
  try {
    parsed = JSON.parse(buf.subarray(12, 12 + len).toString()) as typeof parsed;
  } catch (error) {
    throw new CorruptDataError(path, 'header', `not valid JSON: ${(error as Error).message}`);
  }
  const dataStart = 12 + len + ((4 - ((12 + len) % 4)) % 4);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset + dataStart, buf.length - dataStart).slice();
  const floats = new Float32Array(bytes.buffer);
  const { index, ...header } = parsed;
  const tensors = index.map((e) => {
    if (e.offset + e.length > floats.length) throw new CorruptDataError(path, e.name, "tensor runs past the end of the file");
    return { name: e.name, shape: e.shape, values: floats.slice(e.offset, e.offset + e.length) };
  });
  return { header, tensors };
}
