import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

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

/**
 * An exclusive lock file holding `pid:token`. O_EXCL creation is atomic on local file systems, and a
 * lock left by a dead process is taken over, so a crash never wedges later runs.
 * Returns a release function, or undefined when a live holder (another process or this one) has it.
 */
export function tryLock(path: string): (() => void) | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = randomUUID();
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}:${token}`);
      closeSync(fd);
      heldTokens.add(token);
      return () => {
        heldTokens.delete(token);
        try {
          unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [pidText = '', owner = ''] = readLockOwner(path).split(':');
      const pid = Number.parseInt(pidText, 10);
      const live = pid === process.pid ? heldTokens.has(owner) : Number.isFinite(pid) && processAlive(pid);
      if (live) return undefined;
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed the stale lock first; retry the creation.
      }
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
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (lock ${path} held by ${readLockOwner(path)})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function readLockOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}
