import { FsnasError, InvalidInputError, parseFidelity, type Fidelity } from '@fsnas/core';
import { InvalidArgumentError, Option, type Command } from 'commander';

/** Exit codes: 0 success, 1 a failure fsnas diagnosed (typed error), 2 bad usage, 3 an unexpected crash. */
export const EXIT = { ok: 0, failure: 1, usage: 2, crash: 3 } as const;

/** Print a command's result: JSON on stdout with --json, otherwise the human-readable text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${toJsonOutput(value)}\n` : `${human()}\n`);
}

/**
 * A camelCase field name in snake_case (`meanRegret` → `mean_regret`). Anything else is kept: snake_case
 * names, and keys that are data rather than field names ('ImageNet16-120', 'test-v1_1', 'C', '0.25').
 */
export function snakeKey(key: string): string {
  return /^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$/.test(key) ? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : key;
}

/**
 * The one place --json output is serialised: the libraries' camelCase fields come out in snake_case,
 * the style of the CLI's own fields and of MLflow keys. Files the commands write (split trees,
 * journals) keep their own format.
 */
export function toJsonOutput(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v === null || typeof v !== 'object' || Array.isArray(v) ? v : Object.fromEntries(Object.entries(v).map(([k, x]) => [snakeKey(k), x])),
  );
}

function integerIn(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  if (n < min || n > max) throw new InvalidArgumentError(`expected an integer${rangeText(min, max)}, got '${value}'`);
  return n;
}

const rangeText = (min: number, max: number): string =>
  min > -Infinity && max < Infinity ? ` in [${min}, ${max}]` : min > -Infinity ? ` ≥ ${min}` : max < Infinity ? ` ≤ ${max}` : '';

/**
 * The one way numeric options are parsed (Commander argument parsers). Each rejects, as a usage
 * error (exit 2) that Commander prefixes with the option and the value, anything outside its
 * range: non-numbers, NaN, '1.5' for integers, 0 and negatives for counts. Parsed values are
 * checked with `!== undefined`, never by truthiness, so a 0 can never become a default.
 */
export const numericOption = {
  /** 1, 2, 3, … (counts: batches, images, leaves, jobs, repeats). */
  positiveInteger: (value: string): number => integerIn(value, 1, Infinity),
  /** 0, 1, 2, … (seeds, offsets). */
  nonNegativeInteger: (value: string): number => integerIn(value, 0, Infinity),
  /** An integer in [min, max] (sizes with a ceiling: ports, network widths). */
  integerIn:
    (min: number, max: number) =>
    (value: string): number =>
      integerIn(value, min, max),
  /** A finite float in [min, max] (either end may be infinite). */
  floatIn:
    (min: number, max: number) =>
    (value: string): number => {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
      if (n < min || n > max) throw new InvalidArgumentError(`expected a number${rangeText(min, max)}, got '${value}'`);
      return n;
    },
} as const;

/**
 * Whether FSNAS_DEBUG asks for stack traces: set to anything but '', '0', 'false', 'no' or 'off'
 * (so FSNAS_DEBUG=0 means off, as users expect).
 */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env['FSNAS_DEBUG']?.trim().toLowerCase();
  return value !== undefined && !['', '0', 'false', 'no', 'off'].includes(value);
}

/** Map any error to a one-line message and an exit code. */
export function describeFailure(error: unknown): { message: string; code: number } {
  if (error instanceof FsnasError) return { message: `fsnas: ${error.message}`, code: EXIT.failure };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `fsnas: unexpected error: ${message.split('\n')[0]} (FSNAS_DEBUG=1 prints the stack trace)`, code: EXIT.crash };
}

/**
 * `--fidelity <published|reference>` (default published; `help` says what each means to the command)
 * and its old name `--compat`, hidden from the help, which takes the same values, the legacy ones too
 * (none, naslib, spec), so old scripts keep working. Read them with `fidelityOf`.
 */
export function fidelityOptions(cmd: Command, help: string): Command {
  return cmd.option('--fidelity <fidelity>', `published|reference (default published): ${help}`).addOption(new Option('--compat <fidelity>', 'the old name of --fidelity').hideHelp());
}

/** The fidelity `--fidelity` or its old name `--compat` gives (core's parseFidelity), published if neither. */
export function fidelityOf(options: { readonly fidelity?: string; readonly compat?: string }): Fidelity {
  if (options.fidelity !== undefined && options.compat !== undefined) throw new InvalidInputError('--compat is the old name of --fidelity: give one of them, not both');
  return options.compat !== undefined ? parseFidelity(options.compat, '--compat') : parseFidelity(options.fidelity ?? 'published', '--fidelity');
}
