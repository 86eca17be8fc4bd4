import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Benchmark } from '@fsnas/benchmark';
import { InvalidInputError, Progress, fidelityToken, readInputFile, writableDataDir } from '@fsnas/core';
import {
  METRICS,
  METRIC_NAMES,
  NASLIB_COLUMNS,
  isHybrid,
  parseHybrid,
  scoreHybrid,
  loadNaslibScores,
  parseMetricDataset,
  resolveMetricName,
  scoreArchitectures,
  validateAgainstNaslib,
  naslibMetrics,
  checkAgainstTorch,
  sampleRows,
  scoreNaslibRows,
  ScoreJournal,
  journalSettings,
  resolveSettings,
  TORCH_PEER_METRICS,
  type TorchCheck,
  type TorchPeerMetric,
  type ValidationRow,
} from '@fsnas/metrics';
import { initBackend, parseNetworkInit } from '@fsnas/nn';
import type { Command } from 'commander';
import { emit, fidelityOf, fidelityOptions, numericOption } from '../cli-kit';
import { scoreInWorkers } from './score-workers';

interface CommonOptions {
  batchSize?: number;
  batches: number;
  seed: number;
  fidelity?: string;
  compat?: string;
  init?: string;
  dataset: string;
  json?: boolean;
}

function common(cmd: Command): Command {
  cmd
    .option('--dataset <name>', 'batch dataset', 'cifar10')
    .option('--batch-size <n>', 'images per batch (default 64; 16 with --fidelity reference)', numericOption.positiveInteger)
    .option('--batches <n>', 'batches per network', numericOption.positiveInteger, 1)
    .option('--seed <n>', 'seed of the weights, batches and metric randomness', numericOption.nonNegativeInteger, 0);
  return fidelityOptions(cmd, "published follows the metrics' published definitions as NASLib computes them; reference reproduces the paper code, bugs included")
    .option('--init <scheme>', 'weight init: pytorch_default (NASLib; default with --fidelity published) | kaiming_normal_fanin (default with --fidelity reference) | kaiming_normal_fanout | normal')
    .option('--json', 'print JSON on stdout');
}

function settings(options: CommonOptions) {
  return {
    dataset: parseMetricDataset(options.dataset),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    batches: options.batches,
    seed: options.seed,
    fidelity: fidelityOf(options),
    ...(options.init !== undefined ? { init: parseNetworkInit(options.init) } : {}),
  };
}

/** `fsnas metrics list|score|validate`: architecture-evaluation metrics. */
export function registerMetricsCommand(program: Command): Command {
  const metrics = program.command('metrics').description('zero-cost architecture metrics: list, score architectures, validate against NASLib');

  metrics
    .command('list')
    .description('metric names, aliases and definitions')
    .option('--json', 'print JSON on stdout')
    .action((options: { json?: boolean }) => {
      const rows = METRIC_NAMES.map((n) => ({ name: n, higher_is_better: METRICS[n].higherIsBetter, kind: METRICS[n].evaluation.kind, description: METRICS[n].description }));
      emit(options.json, rows, () => rows.map((r) => `${r.name.padEnd(18)} ${r.kind.padEnd(8)} ${r.description}`).join('\n'));
    });

  common(
    metrics
      .command('score')
      .description('score single architectures given by NB201 index')
      .requiredOption('--metric <name>', `one of ${METRIC_NAMES.join(', ')} (aliases jacov, params, ...), or hybrid:<w>*<metric>+...`)
      .requiredOption('--archs <file>', 'file of NB201 indices, one per line'),
  ).action(async (options: CommonOptions & { metric: string; archs: string }) => {
    const indices = readIndices(options.archs, '--archs');
    const bench = Benchmark.load({ hw: false });
    const archs = indices.map((i) => bench.arch(i));
    if (isHybrid(options.metric)) {
      // Hybrids rank their components within the scored set: the scores are relative to this file's architectures.
      const spec = parseHybrid(options.metric);
      if (spec.components.some((c) => METRICS[c.metric].evaluation.kind === 'network')) await initBackend();
      const progress = new Progress({ label: `metrics score ${spec.name}`, total: archs.length, unit: 'arch' });
      const { values } = scoreHybrid(archs, spec, { ...settings(options), onArch: () => progress.tick() });
      const scores = values.map((score, k) => ({ index: indices[k] as number, score }));
      emit(options.json, { metric: spec.name, scores }, () => scores.map((s) => `${s.index}\t${s.score}`).join('\n'));
      return;
    }
    const metric = resolveMetricName(options.metric);
    if (METRICS[metric].evaluation.kind === 'network') await initBackend();
    const progress = new Progress({ label: `metrics score ${metric}`, total: archs.length, unit: 'arch' });
    const scored = scoreArchitectures(archs, [metric], { ...settings(options), onArch: () => progress.tick() });
    const scores = scored.map((s, k) => {
      const v = s.values[metric];
      return { index: indices[k] as number, score: v?.value ?? null, ...(v?.degenerate !== undefined ? { degenerate: v.degenerate } : {}) };
    });
    emit(options.json, { metric, scores }, () => scores.map((s) => `${s.index}\t${s.score}${s.degenerate ? `\t(degenerate: ${s.degenerate})` : ''}`).join('\n'));
  });

  configureNaslibValidation(metrics.command('validate'));
  return metrics;
}

/** The NASLib validation (`fsnas metrics validate`, also `fsnas validate metrics`). */
export function configureNaslibValidation(cmd: Command): void {
  common(
    cmd
      .description("Spearman ρ of our proxies vs NAS-Bench-Suite-Zero's scores, and of each with NB201 accuracy")
      .option('--sample <n>', 'architectures sampled (seeded) from the 4,726 of the NASLib file', numericOption.positiveInteger, 500)
      .option('--sample-seed <n>', 'seed of the sample', numericOption.nonNegativeInteger, 0)
      .option('--columns <list>', `comma-separated NASLib columns (default all: ${Object.keys(NASLIB_COLUMNS).join(',')})`)
      .option('--accuracy <source>', 'nb201-valid (cifar10-valid, valid split, 200 epochs) | nb201-test (cifar10-valid test) | naslib (the file’s naslib_val_accuracy)', 'nb201-valid')
      .option('--journal <file>', 'JSON-lines file of finished scores; a rerun with the same settings resumes from it (default: data/metrics/scores-<settings hash>.jsonl)')
      .option('--jobs <n>', 'scoring processes, one per core (each with a part journal, absorbed into --journal)', numericOption.positiveInteger, 1)
      .option('--only <file>', 'only score these NB201 indices of the sample into the journal, one per line, and print no table (what --jobs hands each worker)'),
  ).action(async (options: CommonOptions & { sample: number; sampleSeed: number; columns?: string; accuracy: string; journal?: string; jobs: number; only?: string }) => {
    const columns = options.columns ? options.columns.split(',').map((c) => c.trim()) : Object.keys(NASLIB_COLUMNS);
    const metrics = naslibMetrics(columns);
    const rows = loadNaslibScores();
    const accuracy = accuracySource(options.accuracy, rows);
    if (metrics.some((m) => METRICS[m].evaluation.kind === 'network')) await initBackend();
    const n = Math.min(options.sample, rows.length);
    const journal = options.journal ?? defaultJournal(settings(options), columns);
    const only = options.only !== undefined ? new Set(readIndices(options.only, '--only')) : undefined;
    if (options.jobs > 1) {
      const sample = sampleRows(rows, n, options.sampleSeed).map((r) => r.index);
      const open = ScoreJournal.open(journal, journalSettings(resolveSettings(settings(options)), metrics));
      await scoreInWorkers(open, only ? sample.filter((i) => only.has(i)) : sample, options.jobs, process.argv.slice(2));
    }
    let progress: Progress | undefined;
    const onResume = (done: number, total: number) => {
      process.stderr.write(`metrics validate: journal ${journal} (${done}/${total} architectures already scored)\n`);
      progress = new Progress({ label: `metrics validate [${columns.join(',')}]`, total: total - done, unit: 'arch' });
    };
    if (only) {
      // A worker's share: scores into its journal, no table (a share may hold a single architecture).
      const share = sampleRows(rows, n, options.sampleSeed).filter((r) => only.has(r.index));
      scoreNaslibRows(share, metrics, { ...settings(options), journal, onResume, onArch: () => progress?.tick() });
      emit(options.json, { journal, scored: share.length }, () => `${share.length} architectures scored into ${journal}`);
      return;
    }
    const table = validateAgainstNaslib({ ...settings(options), sample: n, sampleSeed: options.sampleSeed, columns, rows, accuracy, journal, onResume, onArch: () => progress?.tick() });
    const result = { accuracy: options.accuracy, sample: n, sample_seed: options.sampleSeed, settings: settings(options), rows: table };
    emit(options.json, result, () => formatValidation(table, options.accuracy));
  });
}

/**
 * `fsnas validate torch`: our proxies and PyTorch's (NASLib's definitions) on the same weights and
 * batch, for the first architectures of the seeded NASLib sample. Needs a Python with torch
 * (tools/bench/requirements.txt).
 */
export function configureTorchCheck(cmd: Command): void {
  cmd
    .description("our proxies against PyTorch's on the same weights and the same batch (a definition or autodiff error shows far above float32 rounding)")
    .option('--archs <n>', 'architectures: the first n of the seeded NASLib sample (the validation\'s)', numericOption.positiveInteger, 10)
    .option('--metrics <list>', `comma-separated, of ${TORCH_PEER_METRICS.join(', ')}`, TORCH_PEER_METRICS.join(','))
    .option('--batch-size <n>', 'images in the batch', numericOption.positiveInteger, 64)
    .option('--seed <n>', 'seed of the weights and the batch', numericOption.nonNegativeInteger, 0)
    .option('--json', 'print JSON on stdout')
    .action(async (options: { archs: number; metrics: string; batchSize: number; seed: number; json?: boolean }) => {
      const metrics = options.metrics.split(',').map((m) => resolveMetricName(m.trim())) as TorchPeerMetric[];
      await initBackend();
      const rows = sampleRows(loadNaslibScores(), 500, 0).slice(0, options.archs);
      const result = checkAgainstTorch(rows.map((r) => r.arch), metrics, { batchSize: options.batchSize, seed: options.seed });
      emit(options.json, result, () => formatTorchCheck(result));
    });
}

export function formatTorchCheck(check: TorchCheck): string {
  const metrics = Object.keys(check.maxRelativeDifference) as TorchPeerMetric[];
  const lossGap = Math.max(...check.rows.map((r) => Math.abs(r.loss[0] - r.loss[1]) / r.loss[1]));
  const lines = metrics.map((m) => `${m.padEnd(10)} ${(check.medianRelativeDifference[m] as number).toExponential(2).padStart(17)} ${(check.maxRelativeDifference[m] as number).toExponential(2).padStart(14)}`);
  return [`torch ${check.torch} (${check.python}); ${check.rows.length} architectures; loss max rel. diff ${lossGap.toExponential(2)}`, `${'metric'.padEnd(10)} ${'median rel. diff'.padStart(17)} ${'max rel. diff'.padStart(14)}`, ...lines].join('\n');
}

/**
 * Same settings and columns ⇒ same file, so rerunning an interrupted command resumes it. The hashed
 * settings keep the metrics' persisted fidelity token in the place of the fidelity, as they always
 * had it (`compat: 'naslib' | 'reference'`), so the journals of earlier runs keep their names.
 */
export function defaultJournal(s: ReturnType<typeof settings>, columns: readonly string[]): string {
  const hashed = Object.fromEntries(Object.entries(s).map(([k, v]) => (k === 'fidelity' ? ['compat', fidelityToken('metrics', s.fidelity)] : [k, v])));
  const hash = createHash('sha256').update(JSON.stringify({ ...hashed, columns: [...columns].sort() })).digest('hex').slice(0, 12);
  return join(writableDataDir(), 'metrics', `scores-${hash}.jsonl`);
}

function accuracySource(source: string, rows: ReturnType<typeof loadNaslibScores>): (index: number) => number {
  if (source === 'naslib') {
    const byIndex = new Map(rows.map((r) => [r.index, r.naslibValAccuracy]));
    return (i) => byIndex.get(i) ?? NaN;
  }
  if (source === 'nb201-valid' || source === 'nb201-test') {
    const acc = Benchmark.load({ hw: false }).accuracy('cifar10-valid', source === 'nb201-valid' ? 'valid' : 'test');
    return (i) => acc[i] ?? NaN;
  }
  throw new InvalidInputError(`--accuracy must be nb201-valid, nb201-test or naslib, got '${source}'`);
}

/** The NB201 indices of a file given to `flag`, one per line ('#' comments): at least one. */
export function readIndices(file: string, flag: string): number[] {
  const indices = readInputFile(file, flag)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l, k) => ({ text: l.trim(), line: k + 1 }))
    .filter(({ text }) => text !== '' && !text.startsWith('#'))
    .map(({ text, line }) => {
      if (!/^\d+$/.test(text)) throw new InvalidInputError(`${flag} ${file}: line ${line}: expected an NB201 index, got '${text}'`);
      return Number(text);
    });
  if (indices.length === 0) throw new InvalidInputError(`${flag} ${file}: no NB201 index in it (one per line)`);
  return indices;
}

export function formatValidation(rows: readonly ValidationRow[], accuracy: string): string {
  const head = `${'proxy'.padEnd(10)} ${'n'.padStart(5)} ${'ρ(ours,NASLib)'.padStart(15)} ${`ρ(ours,${accuracy})`.padStart(22)} ${`ρ(NASLib,${accuracy})`.padStart(24)} ${'degenerate'.padStart(10)}  s/arch`;
  const lines = rows.map(
    (r) =>
      `${r.column.padEnd(10)} ${String(r.n).padStart(5)} ${r.rhoNaslib.toFixed(3).padStart(15)} ${r.rhoAccuracy.toFixed(3).padStart(22)} ${r.naslibRhoAccuracy.toFixed(3).padStart(24)} ${String(r.degenerate).padStart(10)}  ${r.secondsPerArch.toFixed(2)}${r.maxAbsDiff !== undefined ? `  max|Δ|=${r.maxAbsDiff.toExponential(2)}M` : ''}`,
  );
  return [head, ...lines].join('\n');
}
