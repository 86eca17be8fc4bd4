/**
 * Child process of file-lock.test.ts: competes for one lock until the shared log has `total` entries.
 * Each holder checks mutual exclusion with an O_EXCL marker, then leaves the lock stale (rewritten to
 * name a dead pid, as a crash would) so the next acquisition is always a stale takeover race.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tryLock } from './file-lock';

const [lockPath, markerPath, logPath, goPath, totalText, deadPidText] = process.argv.slice(2) as [string, string, string, string, string, string];
const total = Number(totalText);
const pause = new Int32Array(new SharedArrayBuffer(4));
const sleepMs = (ms: number) => Atomics.wait(pause, 0, 0, ms);

while (!existsSync(goPath)) sleepMs(2);
const entries = () => readFileSync(logPath, 'utf8').split('\n').filter(Boolean).length;
while (entries() < total) {
  const release = tryLock(lockPath);
  if (!release) {
    sleepMs(Math.random());
    continue;
  }
  let fd: number | undefined;
  try {
    fd = openSync(markerPath, 'wx');
  } catch {
    appendFileSync(logPath, `VIOLATION ${process.pid}\n`);
  }
  appendFileSync(logPath, `${process.pid}\n`);
  sleepMs(1);
  if (fd !== undefined) {
    closeSync(fd);
    unlinkSync(markerPath);
  }
  // Crash-like exit from the lock: its file now names a dead holder.
  const tmp = `${lockPath}.${process.pid}.crash`;
  writeFileSync(tmp, `${deadPidText}:${randomUUID()}`);
  renameSync(tmp, lockPath);
}
