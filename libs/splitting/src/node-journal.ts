import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SplitTreeFormatError } from './errors';
import { validateSplitNode, type SplitNodeRecord } from './split-tree';

/**
 * A journal of finished split nodes, one JSON line each, so an interrupted split resumes without
 * re-evaluating finished nodes (pass the records as `resume`). Lines are appended and fsynced one by
 * one; a torn last line (the process died mid-write) is ignored on reading.
 */
export function appendNodeRecord(file: string, node: SplitNodeRecord): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ ...node, children: [] })}\n`);
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function readNodeJournal(file: string): SplitNodeRecord[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const complete = lines.slice(0, -1); // text after the last newline is an unfinished write
  return complete.flatMap((line, i) => {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new SplitTreeFormatError(`${file}:${i + 1}`, `not valid JSON: ${(error as Error).message}`);
    }
    return [validateSplitNode(value, `${file}:${i + 1}`)];
  });
}
