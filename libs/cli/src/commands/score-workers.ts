import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { inParallel, planWorkers } from '@fsnas/experiments';
import { ScoreJournal } from '@fsnas/metrics';
import { runFsnasWorker } from '../fsnas-worker';

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
  const { jobs: n, threads } = planWorkers(jobs, missing.length);
  const shares = Array.from({ length: n }, (_, k) => ({ k, indices: missing.filter((_, i) => i % n === k) })).filter((s) => s.indices.length > 0);
  await inParallel(shares, n, async ({ k, indices: share }) => {
    const part = join(dir, `${prefix}${k}.jsonl`);
    const only = join(dir, `${prefix}${k}.indices`);
    writeFileSync(only, `${share.join('\n')}\n`);
    try {
      await runFsnasWorker([...args, '--jobs', '1', '--journal', part, '--only', only, '--json'], { threads, label: `scoring worker ${k}`, keeps: part });
    } finally {
      if (existsSync(part)) journal.absorb(part);
      rmSync(only, { force: true });
    }
  });
}
