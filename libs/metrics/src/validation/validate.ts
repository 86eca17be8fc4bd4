import { InvalidInputError, Rng, readCsv, resolveDataFile, spearman } from '@fsnas/core';
import { archKey, parseArch, type Arch } from '@fsnas/nb201';
import { METRICS, type MetricName } from '../scoring/registry';
import { resolveSettings, scoreArchitectures, type ScoreOptions } from '../scoring/score';
import { ScoreJournal, journalSettings, type JournalScore } from '../scoring/score-journal';

/**
 * Validation against NAS-Bench-Suite-Zero (NASLib) published zero-cost scores: for a seeded sample
 * of the 4,726 CIFAR-10 architectures of the shared file, Spearman ρ between our score and NASLib's,
 * and each one's ρ with accuracy on the same architectures.
 */
export const NASLIB_ZC_FILE = 'nb201/zero_cost_naslib_cifar10_even.csv';

/** CSV column → our metric. `flops`/`params` are in millions there. */
export const NASLIB_COLUMNS: Readonly<Record<string, MetricName>> = {
  params: 'num_params',
  flops: 'flops',
  l2_norm: 'l2_norm',
  synflow: 'synflow',
  grad_norm: 'grad_norm',
  snip: 'snip',
  plain: 'plain',
  jacov: 'jacob_cov',
  epe_nas: 'epe_nas',
  nwot: 'nwot',
  fisher: 'fisher',
  grasp: 'grasp',
  zen: 'zen',
};

export interface NaslibRow {
  readonly index: number;
  readonly arch: Arch;
  readonly scores: Readonly<Record<string, number>>;
  readonly naslibValAccuracy: number;
}

export function loadNaslibScores(file = resolveDataFile(NASLIB_ZC_FILE)): NaslibRow[] {
  const table = readCsv(file);
  const iIndex = table.column('nb201_index');
  const iArch = table.column('arch_str');
  const iAcc = table.column('naslib_val_accuracy');
  const cols = Object.keys(NASLIB_COLUMNS).map((c) => [c, table.column(c)] as const);
  return table.rows.map((row, r) => ({
    index: table.number(r, iIndex),
    arch: parseArch(row[iArch] as string),
    scores: Object.fromEntries(cols.map(([c, i]) => [c, table.number(r, i)])),
    naslibValAccuracy: table.number(r, iAcc),
  }));
}

export interface ValidationRow {
  readonly column: string;
  readonly metric: MetricName;
  readonly n: number;
  /** Spearman ρ between our score and NASLib's on the same architectures. */
  readonly rhoNaslib: number;
  /** Spearman ρ of our score with accuracy. */
  readonly rhoAccuracy: number;
  /** Spearman ρ of NASLib's score with accuracy (same architectures). */
  readonly naslibRhoAccuracy: number;
  /** Largest |ours − NASLib| after unit conversion (analytic metrics only). */
  readonly maxAbsDiff?: number;
  readonly degenerate: number;
  /** Mean seconds per architecture and metric (all metrics of an architecture are scored together). */
  readonly secondsPerArch: number;
}

export interface ValidateOptions extends ScoreOptions {
  /** Architectures to sample (without replacement, seeded). */
  readonly sample: number;
  readonly sampleSeed?: number;
  readonly columns?: readonly string[];
  /** Accuracy by NB201 index; default: the file's naslib_val_accuracy column. */
  readonly accuracy?: (index: number) => number;
  readonly rows?: readonly NaslibRow[];
  /** Called per metric group (columns scored together) for progress. */
  readonly onGroup?: (columns: readonly string[]) => void;
  /** JSON-lines file of finished scores: a rerun with the same settings resumes from it. */
  readonly journal?: string;
  /** Called once before scoring with the architectures already in the journal. */
  readonly onResume?: (done: number, total: number) => void;
}

/** Our metric for each NASLib column, or a typed error naming the known columns. */
export function naslibMetrics(columns: readonly string[]): MetricName[] {
  return columns.map((c) => {
    const m = NASLIB_COLUMNS[c];
    if (!m) throw new InvalidInputError(`no metric for NASLib column '${c}'; known: ${Object.keys(NASLIB_COLUMNS).join(', ')}`);
    return m;
  });
}

/** Seeded sample of `n` rows (all rows when n ≥ the file's size). */
export function sampleRows(rows: readonly NaslibRow[], n: number, seed: number): NaslibRow[] {
  if (n >= rows.length) return [...rows];
  return new Rng(seed).sample(rows.length, n).map((i) => rows[i] as NaslibRow);
}

export function validateAgainstNaslib(options: ValidateOptions): ValidationRow[] {
  const all = options.rows ?? loadNaslibScores();
  const rows = sampleRows(all, options.sample, options.sampleSeed ?? 0);
  const columns = options.columns ?? Object.keys(NASLIB_COLUMNS);
  const accuracyOf = options.accuracy ?? ((index: number) => all.find((r) => r.index === index)?.naslibValAccuracy ?? NaN);
  const accuracy = rows.map((r) => accuracyOf(r.index));
  const metrics = naslibMetrics(columns);
  options.onGroup?.(columns);
  const scored = scoreNaslibRows(rows, metrics, options);
  const secondsPerArch = mean(scored.map((s) => s.seconds)) / columns.length;
  return columns.map((column, k) => {
    const metric = metrics[k] as MetricName;
    const ours = scored.map((s) => s.values[metric]?.value ?? NaN);
    const theirs = rows.map((r) => r.scores[column] ?? NaN);
    const degenerate = scored.filter((s) => s.values[metric]?.degenerate !== undefined).length;
    let maxAbsDiff: number | undefined;
    if (METRICS[metric].evaluation.kind === 'mask') {
      maxAbsDiff = Math.max(...ours.map((v, i) => Math.abs(v / 1e6 - (theirs[i] as number))));
    }
    return {
      column,
      metric,
      n: rows.length,
      rhoNaslib: spearman(ours, theirs),
      rhoAccuracy: spearman(ours, accuracy),
      naslibRhoAccuracy: spearman(theirs, accuracy),
      ...(maxAbsDiff !== undefined ? { maxAbsDiff } : {}),
      degenerate,
      secondsPerArch,
    };
  });
}

/** Scores of `rows` in order, taking finished ones from the journal and appending new ones to it. */
export function scoreNaslibRows(rows: readonly NaslibRow[], metrics: readonly MetricName[], options: Omit<ValidateOptions, 'sample'>): JournalScore[] {
  const journal = options.journal !== undefined ? ScoreJournal.open(options.journal, journalSettings(resolveSettings(options), metrics)) : undefined;
  const done = new Map<number, JournalScore>(journal?.scores);
  const missing = rows.filter((r) => !done.has(r.index));
  const byArch = new Map(missing.map((r) => [archKey(r.arch), r.index]));
  options.onResume?.(rows.length - missing.length, rows.length);
  scoreArchitectures(
    missing.map((r) => r.arch),
    metrics,
    {
      ...options,
      onArch: (d, t, score, seconds) => {
        const entry = { index: byArch.get(archKey(score.arch)) as number, values: score.values, seconds };
        done.set(entry.index, entry);
        journal?.append(entry);
        options.onArch?.(d, t, score, seconds);
      },
    },
  );
  return rows.map((r) => done.get(r.index) as JournalScore);
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
