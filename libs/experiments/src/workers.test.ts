import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsnasError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { PARENT_RESERVE_BYTES, WORKER_MEMORY_BYTES, defaultJobs, inParallel, planWorkers, runWorker } from './workers';

const GB = 1024 ** 3;

describe('defaultJobs', () => {
  it('is one worker per core when memory holds them all', () => {
    expect(defaultJobs({ cores: 2, freeBytes: 22 * GB })).toBe(2);
    expect(defaultJobs({ cores: 16, freeBytes: 64 * GB })).toBe(16);
  });

  it('is what the free memory holds, beyond the parent reserve, when that is fewer', () => {
    expect(defaultJobs({ cores: 16, freeBytes: PARENT_RESERVE_BYTES + 3 * WORKER_MEMORY_BYTES + 1 })).toBe(3);
    expect(defaultJobs({ cores: 8, freeBytes: 9 * GB }, 4 * GB)).toBe(2);
  });

  it('is never below one, even with no memory to spare', () => {
    expect(defaultJobs({ cores: 4, freeBytes: 0 })).toBe(1);
    expect(defaultJobs({ cores: 1, freeBytes: 64 * GB })).toBe(1);
  });
});

describe('planWorkers', () => {
  const machine = { cores: 2, freeBytes: 22 * GB };

  it('gives every worker cores/jobs threads, so jobs × threads never exceeds the cores', () => {
    expect(planWorkers(undefined, 50, machine)).toEqual({ jobs: 2, threads: 1 });
    expect(planWorkers(1, 50, machine)).toEqual({ jobs: 1, threads: 2 });
    expect(planWorkers(3, 50, { cores: 8, freeBytes: 64 * GB })).toEqual({ jobs: 3, threads: 2 });
    for (let cores = 1; cores <= 12; cores++) {
      for (let jobs = 1; jobs <= 16; jobs++) {
        const plan = planWorkers(jobs, 100, { cores, freeBytes: 64 * GB });
        expect(plan.jobs * plan.threads).toBeLessThanOrEqual(cores);
        expect(plan.jobs).toBeGreaterThanOrEqual(1);
      }
    }
  });

  it('cuts more jobs than cores to the cores, and more jobs than tasks to the tasks (their threads grow)', () => {
    expect(planWorkers(4, 50, machine)).toEqual({ jobs: 2, threads: 1 });
    expect(planWorkers(8, 1, { cores: 8, freeBytes: 64 * GB })).toEqual({ jobs: 1, threads: 8 });
    expect(planWorkers(undefined, 0, machine)).toEqual({ jobs: 1, threads: 2 });
  });

  it('defaults to what the memory allows', () => {
    expect(planWorkers(undefined, 50, { cores: 8, freeBytes: PARENT_RESERVE_BYTES + 2 * WORKER_MEMORY_BYTES })).toEqual({ jobs: 2, threads: 4 });
  });
});

describe('inParallel', () => {
  it('runs at most `jobs` tasks at once, every item once, and throws the first failure after the others end', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const task = async (i: number) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5 + (i % 3) * 5));
      running--;
      if (i === 2) throw new Error('item 2 failed');
      done.push(i);
    };
    await expect(inParallel([0, 1, 2, 3, 4, 5], 2, task)).rejects.toThrow('item 2 failed');
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([0, 1, 3, 4, 5]);
  });
});

describe('runWorker', () => {
  it('sets FSNAS_THREADS in the child and resolves with its stdout', async () => {
    const out = await runWorker(['-e', 'process.stdout.write(`threads=${process.env.FSNAS_THREADS}`)'], { threads: 3, label: 'probe' });
    expect(out).toBe('threads=3');
  });

  it('rejects with the label, how it ended, what it keeps and its last stderr line', async () => {
    const failing = runWorker(['-e', 'console.error("fsnas: out of leaves"); process.exit(4)'], { threads: 1, label: 'the snip split', keeps: 'x.nodes.jsonl', onStderr: () => undefined });
    await expect(failing).rejects.toThrow(FsnasError);
    await expect(failing).rejects.toThrow('the snip split failed (exit 4) (its finished part is kept in x.nodes.jsonl; rerun to resume): fsnas: out of leaves');
    await expect(runWorker(['-e', 'process.kill(process.pid, "SIGKILL")'], { threads: 1, label: 'w' })).rejects.toThrow('w was killed by SIGKILL');
  });
});

describe('exitWithParent', () => {
  const workers = fileURLToPath(new URL('./workers.ts', import.meta.url));
  const running = (pid: number): boolean => {
    try {
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
    } catch {
      return false;
    }
  };
  const until = async (probe: () => boolean, what: string, timeoutMs: number): Promise<void> => {
    for (const deadline = Date.now() + timeoutMs; !probe(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  };

  it('a silent worker exits when its parent is SIGKILLed, and a finished one is not held by the channel', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-orphan-'));
    const pidFile = join(dir, 'worker.pid');
    // The worker writes nothing to its pipes, so it cannot die of a broken pipe: only the guard stops it.
    const worker = `const { exitWithParent } = await import(${JSON.stringify(workers)}); exitWithParent(); (await import('node:fs')).writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`;
    const parent = `const { runWorker } = await import(${JSON.stringify(workers)}); await runWorker(['--import', 'tsx', '--input-type=module', '-e', ${JSON.stringify(worker)}], { threads: 1, label: 'w' });`;
    const middle = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parent], { stdio: 'ignore' });
    try {
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the worker to start', 30_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(running(pid)).toBe(true);
      middle.kill('SIGKILL');
      await until(() => !running(pid), `worker ${pid} to exit after its parent`, 10_000);
      // The guard must not keep a worker alive once its work is done.
      const done = `const { exitWithParent } = await import(${JSON.stringify(workers)}); exitWithParent(); process.stdout.write('done');`;
      expect(await runWorker(['--import', 'tsx', '--input-type=module', '-e', done], { threads: 1, label: 'w' })).toBe('done');
    } finally {
      middle.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a worker whose parent died before it reached the guard (its imports still loading) exits at the guard', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-orphan-'));
    const pidFile = join(dir, 'worker.pid');
    const guarded = join(dir, 'guarded');
    // The worker records its pid, then waits for the parent's death before calling the guard, as a
    // worker busy importing would: the channel's 'disconnect' has fired with nobody listening.
    const worker = `const fs = await import('node:fs'); fs.writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); const parent = process.ppid; while (fs.existsSync('/proc/' + parent)) await new Promise((r) => setTimeout(r, 20)); await new Promise((r) => setTimeout(r, 200)); const { exitWithParent } = await import(${JSON.stringify(workers)}); exitWithParent(); fs.writeFileSync(${JSON.stringify(guarded)}, 'computing on'); setInterval(() => {}, 1000);`;
    const parent = `const { runWorker } = await import(${JSON.stringify(workers)}); await runWorker(['--import', 'tsx', '--input-type=module', '-e', ${JSON.stringify(worker)}], { threads: 1, label: 'w' });`;
    const middle = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parent], { stdio: 'ignore' });
    try {
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 'the worker to start', 30_000);
      const pid = Number(readFileSync(pidFile, 'utf8'));
      middle.kill('SIGKILL');
      await until(() => !running(pid), `worker ${pid} to exit at the guard`, 20_000);
      expect(existsSync(guarded)).toBe(false);
    } finally {
      middle.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
