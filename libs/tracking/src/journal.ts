import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CorruptDataError, writeFileAtomic } from '@fsnas/core';
import type { KeyValue, Metric, RunStatus } from './types';

/** Journal files held open by Trackers in this process: a sync must leave them to their owner. */
export const openJournals = new Set<string>();

/** A run is named by its server id, or by `local:<uuid>` until the server has created it. */
export type RunRef = string;

export const LOCAL_PREFIX = 'local:';

export type JournalOp =
  | {
      readonly kind: 'create-run';
      /** The local id (without prefix); stored as tag fsnas.local_run_id so a replay finds the run it made. */
      readonly localId: string;
      readonly experiment: string;
      readonly runName?: string;
      readonly startTime: number;
      readonly tags: readonly KeyValue[];
    }
  | { readonly kind: 'log-batch'; readonly run: RunRef; readonly metrics: readonly Metric[]; readonly params: readonly KeyValue[]; readonly tags: readonly KeyValue[] }
  | { readonly kind: 'update-run'; readonly run: RunRef; readonly status: RunStatus; readonly endTime?: number }
  | { readonly kind: 'upload-artifact'; readonly run: RunRef; readonly path: string; readonly size: number }
  /** An experiment tag (its description: `mlflow.note.content`); the experiment is created if needed. */
  | { readonly kind: 'set-experiment-tag'; readonly experiment: string; readonly key: string; readonly value: string };

export interface JournalEntry {
  readonly id: string;
  readonly at: number;
  readonly op: JournalOp;
}

export type EntryState = { readonly state: 'pending' } | { readonly state: 'done' } | { readonly state: 'failed'; readonly error: string };

type Line =
  | { t: 'open'; pid: number; url: string; at: number }
  | { t: 'op'; id: string; at: number; op: JournalOp }
  | { t: 'done'; id: string; runId?: string }
  | { t: 'failed'; id: string; error: string }
  | { t: 'closed'; at: number };

/**
 * One process's append-only log of tracking writes (JSONL). A write is appended and fsync'd before it
 * is sent, and marked done after the server accepted it, so a crash or an outage loses nothing: the
 * pending entries are replayed later, by the same Tracker or by `fsnas mlflow sync`.
 *
 * Only its owner appends operations, which keeps every file single-writer; `done` marks from a sync
 * are whole-line O_APPEND writes. Artifact bytes are copied to `blobs/<entry id>` at log time, so
 * the upload does not depend on the source file still existing.
 */
export class JournalFile {
  private readonly entries = new Map<string, JournalEntry>();
  private readonly states = new Map<string, EntryState>();
  /** local id → server run id, learned from completed create-run entries. */
  private readonly runIds = new Map<string, string>();
  private fd: number | undefined;
  private closedMark = false;
  private ownerPid = 0;
  private trackingUrl = '';
  /** A crash can leave a torn last line; the next append must start on a fresh line. */
  private needsNewline = false;

  private constructor(readonly file: string) {}

  /** A fresh journal for this process in `dir` (one folder per tracking store). */
  static create(dir: string, url: string): JournalFile {
    mkdirSync(join(dir, 'blobs'), { recursive: true });
    const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${randomUUID().slice(0, 8)}.jsonl`;
    const journal = new JournalFile(join(dir, name));
    journal.fd = openSync(journal.file, 'a');
    journal.ownerPid = process.pid;
    journal.trackingUrl = url;
    journal.write({ t: 'open', pid: process.pid, url, at: Date.now() }, true);
    openJournals.add(journal.file);
    return journal;
  }

  /** Read a journal written by any process; appends (done marks) go to the end of the same file. */
  static load(file: string): JournalFile {
    const journal = new JournalFile(file);
    const text = readFileSync(file, 'utf8');
    journal.needsNewline = text.length > 0 && !text.endsWith('\n');
    const lines = text.split('\n');
    lines.forEach((raw, index) => {
      if (raw.trim() === '') return;
      let line: Line;
      try {
        line = JSON.parse(raw, reviveDoubles) as Line;
      } catch {
        // A torn last line is what a crash during append leaves; its write was never sent, so it is dropped.
        if (index >= lines.length - 2) return;
        throw new CorruptDataError(file, `line ${index + 1}`, 'not valid JSON in the middle of the journal');
      }
      journal.apply(line);
    });
    return journal;
  }

  get dir(): string {
    return join(this.file, '..');
  }

  get owner(): number {
    return this.ownerPid;
  }

  get url(): string {
    return this.trackingUrl;
  }

  /** True once its owner closed it: nobody appends operations any more. */
  get closed(): boolean {
    return this.closedMark;
  }

  /** Append and fsync an operation; returns its entry (state pending). */
  append(op: JournalOp, artifactBytes?: Uint8Array): JournalEntry {
    const entry: JournalEntry = { id: randomUUID(), at: Date.now(), op };
    if (op.kind === 'upload-artifact') {
      if (!artifactBytes) throw new Error('upload-artifact entries need the artifact bytes');
      writeFileAtomic(this.blobPath(entry.id), artifactBytes);
    }
    this.write({ t: 'op', id: entry.id, at: entry.at, op }, true);
    this.apply({ t: 'op', id: entry.id, at: entry.at, op });
    return entry;
  }

  /** Marks need no fsync: losing one only means the entry is replayed, and replays are idempotent. */
  markDone(id: string, runId?: string): void {
    const line: Line = runId ? { t: 'done', id, runId } : { t: 'done', id };
    this.write(line, false);
    this.apply(line);
    const entry = this.entries.get(id);
    if (entry?.op.kind === 'upload-artifact') rmSync(this.blobPath(id), { force: true });
  }

  markFailed(id: string, error: string): void {
    const line: Line = { t: 'failed', id, error };
    this.write(line, false);
    this.apply(line);
  }

  state(id: string): EntryState | undefined {
    return this.states.get(id);
  }

  entry(id: string): JournalEntry | undefined {
    return this.entries.get(id);
  }

  /** Pending entries in the order they were logged: the order they must be replayed in. */
  pending(): JournalEntry[] {
    return [...this.entries.values()].filter((e) => this.states.get(e.id)?.state === 'pending');
  }

  failed(): { entry: JournalEntry; error: string }[] {
    const out: { entry: JournalEntry; error: string }[] = [];
    for (const entry of this.entries.values()) {
      const s = this.states.get(entry.id);
      if (s?.state === 'failed') out.push({ entry, error: s.error });
    }
    return out;
  }

  all(): JournalEntry[] {
    return [...this.entries.values()];
  }

  serverRunId(localId: string): string | undefined {
    return this.runIds.get(localId);
  }

  blobPath(id: string): string {
    return join(this.dir, 'blobs', id);
  }

  readBlob(id: string): Uint8Array {
    return readFileSync(this.blobPath(id));
  }

  /**
   * Mark the journal closed; delete it when nothing is left to replay or inspect. Entries that failed
   * (4xx) stay on disk so `fsnas mlflow sync` can report them.
   */
  close(): void {
    if (this.closedMark) return;
    this.write({ t: 'closed', at: Date.now() }, true);
    this.closedMark = true;
    openJournals.delete(this.file);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.removeIfSettled();
  }

  /** Deletes the file when it is closed and every entry is done. Returns whether it was deleted. */
  removeIfSettled(): boolean {
    if (!this.closedMark || this.pending().length > 0 || this.failed().length > 0) return false;
    if (existsSync(this.file)) unlinkSync(this.file);
    return true;
  }

  private apply(line: Line): void {
    switch (line.t) {
      case 'open':
        this.ownerPid = line.pid;
        this.trackingUrl = line.url;
        break;
      case 'op':
        this.entries.set(line.id, { id: line.id, at: line.at, op: line.op });
        if (!this.states.has(line.id)) this.states.set(line.id, { state: 'pending' });
        break;
      case 'done': {
        this.states.set(line.id, { state: 'done' });
        const op = this.entries.get(line.id)?.op;
        if (op?.kind === 'create-run' && line.runId) this.runIds.set(op.localId, line.runId);
        break;
      }
      case 'failed':
        this.states.set(line.id, { state: 'failed', error: line.error });
        break;
      case 'closed':
        this.closedMark = true;
        break;
    }
  }

  private write(line: Line, sync: boolean): void {
    const data = Buffer.from(`${this.needsNewline ? '\n' : ''}${JSON.stringify(line, replaceDoubles)}\n`);
    this.needsNewline = false;
    if (this.fd === undefined) {
      // A loaded journal (sync of another process's file): append marks without keeping it open.
      const fd = openSync(this.file, 'a');
      try {
        writeSync(fd, data);
        if (sync) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return;
    }
    writeSync(this.fd, data);
    if (sync) fsyncSync(this.fd);
  }
}

/** The journal files in a store's folder, oldest first. */
export function journalFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .map((f) => join(dir, f));
}

export function journalName(file: string): string {
  return basename(file);
}

// JSON has no NaN/Infinity; metric values keep them through a tagged object.
function replaceDoubles(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { $double: String(value) };
  return value;
}

function reviveDoubles(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && '$double' in value) {
    const text = (value as { $double: unknown }).$double;
    return text === 'NaN' ? NaN : text === 'Infinity' ? Infinity : text === '-Infinity' ? -Infinity : value;
  }
  return value;
}
