import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, writableDataDir, writeFileAtomic } from '@fsnas/core';
import { inParallel, planWorkers } from '@fsnas/experiments';
import { loadPaperSplits, type Mask } from '@fsnas/nb201';
import { compareWithFamily, readSplitTree, type SplitComparison } from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit, numericOption } from '../cli-kit';
import { configureNaslibValidation, configureTorchCheck } from './metrics';
import { splitInWorker } from './split';

/** `fsnas split` arguments of the paper's CIFAR-10 setting (docs/reference.md §3). */
const PAPER_SPLIT_ARGS = ['--dataset', 'cifar10', '--fidelity', 'reference', '--leaves', '8', '--branching', '2', '--edges', '0,1,2', '--seed', '888'];
const PAPER_SEED_METRIC = /^random_seed\d+$/;

interface Timing {
  readonly seconds: number;
  readonly backend: string;
  /** True when the split resumed from a journal, so `seconds` covers only part of it. */
  readonly resumed: boolean;
}

export interface SplitAgreementRow {
  readonly metric: string;
  readonly sameLeavesInOrder: boolean;
  readonly sameLeafSet: boolean;
  /** Mean partition distance to the paper's split per level (0 = identical). */
  readonly levelDistances: number[];
  readonly timing: Timing | null;
  readonly file: string;
}

/** `fsnas validate metrics|splits`: the heavy checks against published results, outside the unit tests. */
export function registerValidateCommand(program: Command): void {
  const validate = program.command('validate').description('heavy validations against published results: NASLib zero-cost scores, the paper\'s split masks');
  configureNaslibValidation(validate.command('metrics'));
  configureTorchCheck(validate.command('torch'));
  validate
    .command('splits')
    .description("split with every metric of the paper's CIFAR-10 splits (reference mode, seed 888, edges 0,1,2) and compare with the paper, level by level; finished splits are reused")
    .option('--metrics <list>', 'comma-separated metrics (default: all of the paper\'s CIFAR-10 metric splits)')
    .option('--dir <dir>', 'where split trees and timings are kept (default: data/validation/splits)')
    .option('--jobs <n>', 'splits run at once, each in its own `fsnas split` process with cores/n threads (default: one per core, as memory allows)', numericOption.positiveInteger)
    .option('--json', 'print the table as JSON')
    .action(async (options: { metrics?: string; dir?: string; jobs?: number; json?: boolean }) => {
      const paper = loadPaperSplits().get('cifar10') as ReadonlyMap<string, readonly Mask[]>;
      const available = [...paper.keys()].filter((m) => !PAPER_SEED_METRIC.test(m));
      const metrics = options.metrics ? options.metrics.split(',').map((m) => m.trim()) : available;
      for (const m of metrics) if (!available.includes(m)) throw new InvalidInputError(`the paper has no CIFAR-10 split for '${m}'; available: ${available.join(', ')}`);
      const dir = options.dir ?? join(writableDataDir(), 'validation', 'splits');
      const started = performance.now();
      const pending = metrics.filter((m) => !existsSync(treeFile(dir, m)));
      const workers = planWorkers(options.jobs, pending.length);
      await inParallel(pending, workers.jobs, (metric) => splitInChild(metric, dir, workers.threads));
      const wall = (performance.now() - started) / 1000;
      const rows = metrics.map((metric) => agreement(metric, paper.get(metric) as readonly Mask[], dir));
      emit(options.json, { rows, wallSeconds: wall, jobs: workers.jobs, computed: pending }, () => formatAgreement(rows, wall, workers.jobs, pending.length));
    });
}

const treeFile = (dir: string, metric: string): string => join(dir, `${metric}.json`);
const timingFile = (dir: string, metric: string): string => join(dir, `${metric}.timing.json`);

/**
 * One split in its own worker process (the pool of @fsnas/experiments), with `threads` compute
 * threads. `fsnas split --out` journals its nodes, so an interrupted validation resumes.
 */
async function splitInChild(metric: string, dir: string, threads: number): Promise<void> {
  const out = treeFile(dir, metric);
  const resumed = existsSync(`${out}.nodes.jsonl`);
  const started = performance.now();
  let backend = 'unknown';
  await splitInWorker(metric, PAPER_SPLIT_ARGS, out, {
    threads,
    onStderr: (chunk) => {
      backend = /fsnas: tfjs backend (\S+)/.exec(chunk.toString())?.[1] ?? backend;
      process.stderr.write(chunk);
    },
  });
  const timing: Timing = { seconds: (performance.now() - started) / 1000, backend, resumed };
  writeFileAtomic(timingFile(dir, metric), `${JSON.stringify(timing)}\n`);
}

function agreement(metric: string, family: readonly Mask[], dir: string): SplitAgreementRow {
  const file = treeFile(dir, metric);
  const comparison: SplitComparison = compareWithFamily(readSplitTree(file), family);
  return {
    metric,
    sameLeavesInOrder: comparison.sameLeavesInOrder,
    sameLeafSet: comparison.sameLeafSet,
    levelDistances: comparison.levels.map((l) => l.mean),
    timing: existsSync(timingFile(dir, metric)) ? (JSON.parse(readFileSync(timingFile(dir, metric), 'utf8')) as Timing) : null,
    file,
  };
}

function formatAgreement(rows: readonly SplitAgreementRow[], wall: number, jobs: number, computed: number): string {
  const head = `${'metric'.padEnd(18)} ${'exact, in order'.padStart(15)} ${'same leaves'.padStart(11)}  distance per level   ${'seconds'.padStart(8)}  backend`;
  const lines = rows.map((r) => {
    const t = r.timing;
    const seconds = t ? `${t.seconds.toFixed(0)}${t.resumed ? '+' : ''}` : '?';
    return `${r.metric.padEnd(18)} ${String(r.sameLeavesInOrder).padStart(15)} ${String(r.sameLeafSet).padStart(11)}  ${r.levelDistances.map((d) => d.toFixed(2)).join(' / ').padEnd(19)} ${seconds.padStart(8)}  ${t?.backend ?? '?'}`;
  });
  const total = rows.reduce((s, r) => s + (r.timing?.seconds ?? 0), 0);
  return [head, ...lines, `sum of split times: ${total.toFixed(0)} s (+ = resumed, partial); this run: ${computed} split(s) in ${wall.toFixed(0)} s wall with ${jobs} job(s)`].join('\n');
}
