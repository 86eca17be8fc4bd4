import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FsnasError } from '@fsnas/core';
import { ScoreJournal } from '@fsnas/metrics';
import { inParallel } from '../cli-kit';

const BIN = fileURLToPath(new URL('../../bin/fsnas.mjs', import.meta.url));

/**
 * `fsnas validate metrics --jobs n`: tfjs scores one network on one core, so n processes are what
 * uses n cores. Each worker reruns this very command line with `--jobs 1`, its share of the missing
 * architectures (`--only`) and a part journal of its own, since one journal cannot take concurrent
 * writers. Parts are absorbed into the main journal when their worker ends, whether it succeeded
 * or not, and leftovers of an interrupted run are absorbed before anything is scored.
 */
export async function scoreInWorkers(journal: ScoreJournal, indices: readonly number[], jobs: number, args: readonly string[]): Promise<void> {
  const dir = dirname(journal.file);
  const prefix = `${basename(journal.file)}.part-`;
  if (existsSync(dir)) for (const f of readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl'))) journal.absorb(join(dir, f));
  const missing = indices.filter((i) => !journal.scores.has(i));
  const shares = Array.from({ length: jobs }, (_, k) => ({ k, indices: missing.filter((_, i) => i % jobs === k) })).filter((s) => s.indices.length > 0);
  await inParallel(shares, jobs, async ({ k, indices: share }) => {
    const part = join(dir, `${prefix}${k}.jsonl`);
    const only = join(dir, `${prefix}${k}.indices`);
    writeFileSync(only, `${share.join('\n')}\n`);
    const child = promisify(execFile)(process.execPath, [BIN, ...args, '--jobs', '1', '--journal', part, '--only', only, '--json'], { maxBuffer: 64 << 20 });
    child.child.stderr?.pipe(process.stderr);
    try {
      await child;
    } catch (error) {
      throw new FsnasError('WORKER_FAILED', `scoring worker ${k} failed (its finished scores are kept; rerun to resume): ${(error as Error).message.split('\n')[0]}`);
    } finally {
      if (existsSync(part)) journal.absorb(part);
      rmSync(only, { force: true });
    }
  });
}
