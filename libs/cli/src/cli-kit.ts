import { FsnasError } from '@fsnas/core';
import { InvalidArgumentError } from 'commander';

/** Exit codes: 0 success, 1 a failure fsnas diagnosed (typed error), 2 bad usage, 3 an unexpected crash. */
export const EXIT = { ok: 0, failure: 1, usage: 2, crash: 3 } as const;

/** Print a command's result: JSON on stdout with --json, otherwise the human-readable text. */
export function emit(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

/** Commander argument parser for integers, reporting a usage error on anything else. */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got '${value}'`);
  return n;
}

/** Map any error to a one-line message and an exit code. */
export function describeFailure(error: unknown): { message: string; code: number } {
  if (error instanceof FsnasError) return { message: `fsnas: ${error.message}`, code: EXIT.failure };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `fsnas: unexpected error: ${message.split('\n')[0]}`, code: EXIT.crash };
}

/** Run `task` on every item with at most `jobs` running at once; the first failure is thrown after the others end. */
export async function inParallel<T>(items: readonly T[], jobs: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item).catch((e: unknown) => void errors.push(e));
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  if (errors.length) throw errors[0];
}
