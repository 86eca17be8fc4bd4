import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tryLock } from './file-lock';

const CHILD = fileURLToPath(new URL('./file-lock-race-child.ts', import.meta.url));
// Above any pid_max (at most 2^22 on Linux): never a live process.
const DEAD_PID = 2_000_000_000;

function runChild(args: string[]): Promise<number | null> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolveExit(code));
  });
}

describe('file lock', () => {
  it('takes over a lock left by a dead process, and refuses a live one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-lock-'));
    const path = join(dir, 'a.lock');
    writeFileSync(path, `${DEAD_PID}:stale`);
    const release = tryLock(path);
    expect(release).toBeDefined();
    expect(readFileSync(path, 'utf8')).toMatch(new RegExp(`^${process.pid}:`));
    expect(tryLock(path)).toBeUndefined();
    release?.();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives a stale lock to exactly one of several processes racing to take it over, every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-lock-race-'));
    const [lock, marker, log, go] = ['race.lock', 'inside', 'log', 'go'].map((f) => join(dir, f)) as [string, string, string, string];
    const total = 400;
    writeFileSync(log, '');
    writeFileSync(lock, `${DEAD_PID}:initial`);
    const children = [1, 2, 3, 4].map(() => runChild([lock, marker, log, go, String(total), String(DEAD_PID)]));
    // Let every child load before the race starts.
    await new Promise((r) => setTimeout(r, 3000));
    writeFileSync(go, '');
    expect(await Promise.all(children)).toEqual([0, 0, 0, 0]);
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(total);
    expect(lines.filter((l) => l.startsWith('VIOLATION'))).toEqual([]);
    // Every takeover happened: more than one process held the lock in turn.
    expect(new Set(lines).size).toBeGreaterThan(1);
  }, 120_000);
});
