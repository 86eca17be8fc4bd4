import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { CorruptDataError } from './errors';
import { readInputFile } from './input-files';

/**
 * Append-only JSON-lines journals, the way long jobs record finished work so an interrupted run
 * resumes. Each line is written and fsynced on its own; a process killed mid-write leaves a torn
 * last line, which readers skip and the next append cuts off, so no later line is glued to it.
 */
export function appendJsonLine(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, existsSync(file) ? 'r+' : 'w+');
  try {
    const size = fstatSync(fd).size;
    const keep = completeLength(fd, size);
    if (keep < size) ftruncateSync(fd, keep);
    writeSync(fd, `${JSON.stringify(value)}\n`, keep);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Length of the file up to and including its last newline. */
function completeLength(fd: number, size: number): number {
  const chunk = Buffer.alloc(4096);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

export interface JsonLine {
  /** 1-based line number, for error messages. */
  readonly line: number;
  readonly value: unknown;
}

/** The complete lines of a journal, parsed (none if the file does not exist). A torn last line is skipped. */
export function readJsonLines(file: string): JsonLine[] {
  if (!existsSync(file)) return [];
  const lines = readInputFile(file, 'journal').split('\n').slice(0, -1);
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [{ line: i + 1, value: JSON.parse(line) as unknown }];
    } catch (error) {
      throw new CorruptDataError(file, String(i + 1), `not valid JSON: ${(error as Error).message}`);
    }
  });
}
