/**
 * How the robustness matrix (matrix.ts) judges one malformed invocation. Pure: what the process did
 * (exit, signal, timeout, stderr) and what happened to the files around it, in; one outcome out.
 */

export type Outcome = 'clean-error' | 'crash' | 'silent-wrong' | 'data-lost';

export const OUTCOME_LABEL: Readonly<Record<Outcome, string>> = {
  'clean-error': 'CLEAN ERROR',
  crash: 'CRASH',
  'silent-wrong': 'SILENT WRONG',
  'data-lost': 'DATA LOST',
};

/** What a case expects: a usage error (2, Commander's `error: …` line) or an input error (1, one `fsnas: …` line). */
export interface Expectation {
  readonly exit: 1 | 2;
  /** Text the error line must contain (the bad value or the option), case-insensitive. */
  readonly names?: string;
}

export interface Observation {
  /** null when the process ended by a signal or was killed for the timeout. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stderr: string;
  /** Files that existed before the run and were changed, truncated or removed by it. */
  readonly changed: readonly string[];
  /** Files the failed run left behind (half-written outputs, temporaries). */
  readonly leftovers: readonly string[];
}

export interface Verdict {
  readonly outcome: Outcome;
  /** Why, in a few words (for the table). */
  readonly reason: string;
  /** A clean error that does not quite match the case's expectation (other exit code, or the value not named). */
  readonly deviation?: string;
}

/** A V8 stack frame line, `    at fn (file:line:col)` or `    at file:line:col`. */
const STACK_FRAME = /^\s+at .*:\d+:\d+\)?$/m;

/** The diagnostic line of a failed run: fsnas' own `fsnas: …` (not progress notes), else Commander's `error: …`. */
export function errorLine(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.trim());
  return lines.find((l) => /^fsnas: /.test(l) && !/^fsnas: (tfjs backend|warning:)/.test(l)) ?? lines.find((l) => l.startsWith('error: '));
}

export function classify(expectation: Expectation, run: Observation): Verdict {
  if (run.changed.length > 0) return { outcome: 'data-lost', reason: `changed ${run.changed.join(', ')}` };
  if (run.timedOut) return { outcome: 'crash', reason: 'timed out (hang)' };
  if (run.signal !== null) return { outcome: 'crash', reason: `killed by ${run.signal}` };
  if (run.exitCode === 3 || /unexpected error/.test(run.stderr)) return { outcome: 'crash', reason: 'unexpected error (exit 3)' };
  if (STACK_FRAME.test(run.stderr)) return { outcome: 'crash', reason: 'stack trace on stderr' };
  if (run.exitCode === 0) {
    if (run.leftovers.length > 0) return { outcome: 'silent-wrong', reason: `exit 0, wrote ${run.leftovers.join(', ')}` };
    return { outcome: 'silent-wrong', reason: 'exit 0 on malformed input' };
  }
  if (run.leftovers.length > 0) return { outcome: 'data-lost', reason: `failed run left ${run.leftovers.join(', ')}` };
  const line = errorLine(run.stderr);
  if ((run.exitCode !== 1 && run.exitCode !== 2) || line === undefined) return { outcome: 'crash', reason: `exit ${run.exitCode} without a diagnostic line` };
  const deviations = [
    ...(run.exitCode !== expectation.exit ? [`exit ${run.exitCode}, expected ${expectation.exit}`] : []),
    ...(expectation.names !== undefined && !line.toLowerCase().includes(expectation.names.toLowerCase()) ? [`does not name '${expectation.names}'`] : []),
  ];
  return { outcome: 'clean-error', reason: 'typed error', ...(deviations.length ? { deviation: deviations.join('; ') } : {}) };
}
