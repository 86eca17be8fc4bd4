import { createHash, randomUUID } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';

/** Whether a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Tokens of the locks this process holds: a lock file naming our pid but an unknown token was left by an
// earlier process that had the same pid (pids are reused quickly in containers), so it is stale.
const heldTokens = new Set<string>();

/** A lock file without a readable `pid:token` (a foreign or torn file) counts as stale after this long. */
const UNREADABLE_STALE_MS = 10_000;

/**
 * An exclusive lock file holding `pid:token`, created atomically with its content (a hard link of a
 * written temporary file, so no one ever reads it empty). A lock left by a dead process is taken over,
 * so a crash never wedges later runs.
 *
 * The takeover is race-free: several processes may find the same stale lock, but only the one that
 * wins a claim on that very lock instance (`<lock>.takeover-<hash of its content>`, itself a lock of
 * this kind, so a claimer that dies mid-takeover is taken over in turn) may remove it. The winner
 * checks the content is still the stale one (tokens never repeat), removes it, and then competes for
 * the lock like everyone else, with an exclusive create. A slow process that claims the same instance
 * later finds a different content and removes nothing.
 *
 * Returns a release function, or undefined when a live holder (another process or this one) has it.
 */
export function tryLock(path: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 3; attempt++) {
    const token = randomUUID();
    const content = `${process.pid}:${token}`;
    if (createExclusive(path, content)) {
      heldTokens.add(token);
      return () => {
        heldTokens.delete(token);
        // Only our own lock is removed, never one that replaced it.
        if (readLockOwner(path) === content) unlinkQuietly(path);
      };
    }
    const seen = readLockOwner(path);
    if (seen === undefined) continue; // Released meanwhile: try again.
    if (holderLive(path, seen)) return undefined;
    const claim = tryLock(`${path}.takeover-${createHash('sha256').update(seen).digest('hex').slice(0, 16)}`);
    if (!claim) return undefined; // Another process is taking this stale lock over.
    try {
      // Nobody else removes this instance while we hold its claim, and its dead owner cannot release it.
      if (readLockOwner(path) === seen) unlinkQuietly(path);
    } finally {
      claim();
    }
  }
  return undefined;
}

/** Wait for the lock, polling; throws after `timeoutMs`. */
export async function acquireLock(path: string, timeoutMs: number, what: string): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const release = tryLock(path);
    if (release) return release;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (lock ${path} held by ${readLockOwner(path) ?? 'nobody'})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function holderLive(path: string, owner: string): boolean {
  const m = /^(\d+):(.+)$/.exec(owner);
  if (!m) {
    // Not written by this module: leave it to its writer for a while, then treat it as stale.
    try {
      return Date.now() - statSync(path).mtimeMs < UNREADABLE_STALE_MS;
    } catch {
      return false;
    }
  }
  const pid = Number(m[1]);
  return pid === process.pid ? heldTokens.has(m[2] as string) : processAlive(pid);
}

/** Create `path` with `content` unless it exists, atomically: link(2) of a complete temporary file. */
function createExclusive(path: string, content: string): boolean {
  const tmp = `${path}.${process.pid}-${randomUUID().slice(0, 8)}.tmp`;
  writeFileSync(tmp, content);
  try {
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    // A file system without hard links: O_EXCL, with a moment where the file is empty (see holderLive).
    return createWithOExcl(path, content);
  } finally {
    unlinkQuietly(tmp);
  }
}

function createWithOExcl(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's content, or undefined when there is no lock file. */
function readLockOwner(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
