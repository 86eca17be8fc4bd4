import { mkdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive, tryLock } from './file-lock';
import { JournalFile, journalFiles, openJournals } from './journal';
import type { MlflowClient } from './client';
import { Replayer, type FailedWrite } from './replay';

export interface SyncReport {
  /** Journal files looked at. */
  readonly files: number;
  readonly sent: number;
  readonly failed: readonly (FailedWrite & { readonly file: string })[];
  /** Entries still waiting after this sync. */
  readonly pending: number;
  /** Files of running processes, left to their owners. */
  readonly skippedLive: number;
  /** Settled files deleted. */
  readonly removed: number;
  /** Why the sync stopped early, when the server is unreachable. */
  readonly unavailable?: string;
}

/**
 * Replay every journal in `dir` that no live Tracker owns (its process ended, crashed, or closed it
 * with writes still queued). Each file is replayed under its own lock, so two syncs never send the
 * same file at once. Settled files are deleted; files with refused (4xx) writes are reported once and
 * moved to `refused/`.
 */
export async function syncJournals(dir: string, client: MlflowClient): Promise<SyncReport> {
  const files = journalFiles(dir);
  let sent = 0;
  let pending = 0;
  let skippedLive = 0;
  let removed = 0;
  const failed: (FailedWrite & { file: string })[] = [];
  for (const file of files) {
    const release = tryLock(`${file}.lock`);
    if (!release) {
      skippedLive++;
      continue;
    }
    try {
      const journal = JournalFile.load(file);
      const live = openJournals.has(file) || (!journal.closed && journal.owner !== process.pid && processAlive(journal.owner));
      if (live) {
        skippedLive++;
        continue;
      }
      const report = await new Replayer(client, journal).drain();
      sent += report.sent;
      failed.push(...journal.failed().map(({ entry, error }) => ({ id: entry.id, kind: entry.op.kind, error, file })));
      pending += report.pending;
      if (report.unavailable) return { files: files.length, sent, failed, pending: pending + pendingAfter(files, file), skippedLive, removed, unavailable: report.unavailable.message };
      journal.close();
      if (journal.removeIfSettled()) removed++;
      else if (journal.pending().length === 0) archiveRefused(journal);
    } finally {
      release();
    }
  }
  return { files: files.length, sent, failed, pending, skippedLive, removed };
}

/**
 * A settled journal whose only leftovers are refused writes moves to `refused/`: it stays readable for
 * inspection, but the refusal is reported by this sync alone, not by every later one.
 */
function archiveRefused(journal: JournalFile): void {
  const target = join(dirname(journal.file), 'refused');
  mkdirSync(target, { recursive: true });
  renameSync(journal.file, join(target, basename(journal.file)));
}

/** Pending entries in the files after `current`, which this sync did not reach. */
function pendingAfter(files: readonly string[], current: string): number {
  return files.slice(files.indexOf(current) + 1).reduce((n, f) => {
    try {
      return n + JournalFile.load(f).pending().length;
    } catch {
      return n;
    }
  }, 0);
}
