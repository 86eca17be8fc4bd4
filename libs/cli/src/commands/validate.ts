import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, writableDataDir, writeFileAtomic } from '@fsnas/core';
import { createEdgeMetric } from '@fsnas/metrics';
import { loadPaperSplits, type Mask } from '@fsnas/nb201';
import { initBackend } from '@fsnas/nn';
import { compareWithFamily, readSplitTree, splitToFile, type SplitComparison } from '@fsnas/splitting';
import type { Command } from 'commander';
import { emit } from '../cli-kit';
import { configureNaslibValidation } from './metrics';

/** The paper's CIFAR-10 setting (REFERENCE_SPEC §3): 8 leaves, binary, edges 0,1,2, seed 888, reference mode. */
const PAPER_SPLIT = { leaves: 8, branching: [2], edges: { kind: 'order' as const, edges: [0, 1, 2] }, seed: 888, compat: 'reference' as const };
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
  validate
    .command('splits')
    .description("split with every metric of the paper's CIFAR-10 splits (reference mode, seed 888, edges 0,1,2) and compare with the paper, level by level; finished splits are reused")
    .option('--metrics <list>', 'comma-separated metrics (default: all of the paper\'s CIFAR-10 metric splits)')
    .option('--dir <dir>', 'where split trees and timings are kept (default: data/validation/splits)')
    .option('--json', 'print the table as JSON')
    .action(async (options: { metrics?: string; dir?: string; json?: boolean }) => {
      const paper = loadPaperSplits().get('cifar10') as ReadonlyMap<string, readonly Mask[]>;
      const available = [...paper.keys()].filter((m) => !PAPER_SEED_METRIC.test(m));
      const metrics = options.metrics ? options.metrics.split(',').map((m) => m.trim()) : available;
      for (const m of metrics) if (!available.includes(m)) throw new InvalidInputError(`the paper has no CIFAR-10 split for '${m}'; available: ${available.join(', ')}`);
      const dir = options.dir ?? join(writableDataDir(), 'validation', 'splits');
      const rows: SplitAgreementRow[] = [];
      for (const metric of metrics) rows.push(await agreement(metric, paper.get(metric) as readonly Mask[], dir));
      emit(options.json, rows, () => formatAgreement(rows));
    });
}

async function agreement(metric: string, family: readonly Mask[], dir: string): Promise<SplitAgreementRow> {
  const file = join(dir, `${metric}.json`);
  const timingFile = join(dir, `${metric}.timing.json`);
  if (!existsSync(file)) {
    const backend = await initBackend();
    const resumed = existsSync(`${file}.nodes.jsonl`);
    const started = performance.now();
    await splitToFile({ ...PAPER_SPLIT, metric: createEdgeMetric(metric, { dataset: 'cifar10', seed: PAPER_SPLIT.seed, compat: 'reference', batchSize: 16 }) }, file);
    const timing: Timing = { seconds: (performance.now() - started) / 1000, backend: backend.name, resumed };
    writeFileAtomic(timingFile, `${JSON.stringify(timing)}\n`);
  }
  const comparison: SplitComparison = compareWithFamily(readSplitTree(file), family);
  return {
    metric,
    sameLeavesInOrder: comparison.sameLeavesInOrder,
    sameLeafSet: comparison.sameLeafSet,
    levelDistances: comparison.levels.map((l) => l.mean),
    timing: existsSync(timingFile) ? (JSON.parse(readFileSync(timingFile, 'utf8')) as Timing) : null,
    file,
  };
}

function formatAgreement(rows: readonly SplitAgreementRow[]): string {
  const head = `${'metric'.padEnd(18)} ${'exact, in order'.padStart(15)} ${'same leaves'.padStart(11)}  distance per level   ${'seconds'.padStart(8)}  backend`;
  const lines = rows.map((r) => {
    const t = r.timing;
    const seconds = t ? `${t.seconds.toFixed(0)}${t.resumed ? '+' : ''}` : '?';
    return `${r.metric.padEnd(18)} ${String(r.sameLeavesInOrder).padStart(15)} ${String(r.sameLeafSet).padStart(11)}  ${r.levelDistances.map((d) => d.toFixed(2)).join(' / ').padEnd(19)} ${seconds.padStart(8)}  ${t?.backend ?? '?'}`;
  });
  const total = rows.reduce((s, r) => s + (r.timing?.seconds ?? 0), 0);
  return [head, ...lines, `all metrics: ${total.toFixed(0)} s (+ = resumed, partial time)`].join('\n');
}
