import { rmSync } from 'node:fs';
import { InvalidInputError, appendJsonLine, fidelityToken, readJsonLines } from '@fsnas/core';
import type { MetricName } from './registry';
import type { ResolvedSettings } from './score';
import type { MetricValue } from './types';

/** One scored architecture as a journal line. */
export interface JournalScore {
  readonly index: number;
  readonly values: Readonly<Partial<Record<MetricName, MetricValue>>>;
  readonly seconds: number;
}

const FORMAT = 'fsnas-metric-scores';

/**
 * What makes scores comparable: everything but the batch source, which follows from dataset and
 * fidelity. The fidelity is recorded as the metrics' persisted token (`compat: 'naslib' | 'reference'`,
 * core's fidelityToken), so journals written before the fidelity vocabulary still resume.
 */
export function journalSettings(s: ResolvedSettings, metrics: readonly MetricName[]) {
  return { dataset: s.dataset, batchSize: s.batchSize, batches: s.batches, seed: s.seed, compat: fidelityToken('metrics', s.fidelity), init: s.init, network: s.network, secondOrderBatch: s.secondOrderBatch, metrics: [...metrics].sort() };
}

/**
 * Per-architecture scores of a long scoring job (hours for 500 architectures on a CPU), appended as
 * they finish so that rerunning the same command resumes. The first line holds the settings; a
 * journal written with other settings is refused rather than mixed in.
 */
export class ScoreJournal {
  private constructor(
    readonly file: string,
    readonly settings: ReturnType<typeof journalSettings>,
    readonly scores: ReadonlyMap<number, JournalScore>,
  ) {}

  static open(file: string, settings: ReturnType<typeof journalSettings>): ScoreJournal {
    const [head, ...lines] = readJsonLines(file);
    const expected = JSON.stringify(settings);
    if (!head) appendJsonLine(file, { format: FORMAT, settings });
    else {
      const found = head.value as { format?: unknown; settings?: unknown };
      if (found.format !== FORMAT) throw new InvalidInputError(`${file}:1 is not a metric score journal (format must be '${FORMAT}')`);
      if (JSON.stringify(found.settings) !== expected) {
        throw new InvalidInputError(`${file} was written with other settings (${JSON.stringify(found.settings)}, now ${expected}); pass another journal file or delete it`);
      }
    }
    const scores = new Map<number, JournalScore>();
    for (const { line, value } of lines) {
      const score = value as JournalScore;
      if (!Number.isInteger(score.index) || typeof score.values !== 'object' || typeof score.seconds !== 'number') {
        throw new InvalidInputError(`${file}:${line}: a score line needs an integer index, values and seconds`);
      }
      scores.set(score.index, score);
    }
    return new ScoreJournal(file, settings, scores);
  }

  append(score: JournalScore): void {
    appendJsonLine(this.file, score);
    (this.scores as Map<number, JournalScore>).set(score.index, score);
  }

  /**
   * Take over the scores of another journal of the same settings (a parallel worker's) that this
   * one lacks, then delete it. Each score is appended before the file goes, so an interruption
   * loses nothing: a rerun absorbs the rest.
   */
  absorb(file: string): void {
    const part = ScoreJournal.open(file, this.settings);
    for (const score of part.scores.values()) if (!this.scores.has(score.index)) this.append(score);
    rmSync(file);
  }
}
