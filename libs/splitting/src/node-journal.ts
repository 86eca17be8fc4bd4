import { existsSync, rmSync } from 'node:fs';
import { appendJsonLine, readJsonLines } from '@fsnas/core';
import { validateSplitNode, writeSplitTree, type SplitNodeRecord, type SplitTreeDocument } from './split-tree';
import { splitSupernet, type SplitOptions } from './splitter';

/**
 * A journal of finished split nodes, one JSON line each, so an interrupted split resumes without
 * re-evaluating finished nodes (pass the records as `resume`).
 */
export function appendNodeRecord(file: string, node: SplitNodeRecord): void {
  appendJsonLine(file, { ...node, children: [] });
}

export function readNodeJournal(file: string): SplitNodeRecord[] {
  return readJsonLines(file).map(({ line, value }) => validateSplitNode(value, `${file}:${line}`));
}

/** Where `splitToFile` keeps finished nodes until the tree is written. */
export const nodeJournalOf = (out: string): string => `${out}.nodes.jsonl`;

/**
 * Split and write the tree to `out`, resuming from the node journal beside it if an earlier run
 * was interrupted. The journal is removed once the whole tree is written.
 */
export async function splitToFile(options: SplitOptions, out: string): Promise<SplitTreeDocument> {
  const journal = nodeJournalOf(out);
  const doc = await splitSupernet({
    ...options,
    onNode: (node) => {
      appendNodeRecord(journal, node);
      options.onNode?.(node);
    },
    ...(existsSync(journal) ? { resume: readNodeJournal(journal) } : {}),
  });
  writeSplitTree(out, doc);
  rmSync(journal, { force: true });
  return doc;
}
