import { rmSync } from 'node:fs';
import { appendJsonLine, readJsonLines } from '@fsnas/core';
import { SplitJournalError, SplitResumeError } from './errors';
import { settingsDifferences, type SplitSettings } from './split-settings';
import { validateSplitNode, validateSplitSettings, writeSplitTree, type SplitNodeRecord, type SplitTreeDocument } from './split-tree';
import { splitSettingsOf, splitSupernet, type SplitOptions } from './splitter';

/**
 * A journal of finished split nodes, one JSON line each, so an interrupted split resumes without
 * re-evaluating finished nodes (pass the records as `resume`). `splitToFile` heads it with a
 * settings line (`{"format": "fsnas-split-journal", "version": 1, "settings": …}`) written with
 * the first node, so a rerun with other settings is refused instead of mixing two splits.
 */
export const SPLIT_JOURNAL_FORMAT = 'fsnas-split-journal';
export const SPLIT_JOURNAL_VERSION = 1;

export function appendNodeRecord(file: string, node: SplitNodeRecord): void {
  appendJsonLine(file, { ...node, children: [] });
}

export function appendJournalHeader(file: string, settings: SplitSettings): void {
  appendJsonLine(file, { format: SPLIT_JOURNAL_FORMAT, version: SPLIT_JOURNAL_VERSION, settings });
}

export interface SplitJournal {
  /** The settings the journal was started with; null when it has no header (older fsnas, or nodes appended by hand). */
  readonly settings: SplitSettings | null;
  readonly nodes: SplitNodeRecord[];
}

/** The header and finished nodes of a journal (none if the file does not exist); a torn last line is skipped. */
export function readSplitJournal(file: string): SplitJournal {
  const lines = readJsonLines(file);
  const first = lines[0]?.value;
  const isHeader = typeof first === 'object' && first !== null && !Array.isArray(first) && 'format' in first;
  let settings: SplitSettings | null = null;
  if (isHeader) {
    const header = first as Record<string, unknown>;
    if (header['format'] !== SPLIT_JOURNAL_FORMAT) throw new SplitJournalError(file, `line 1: format must be '${SPLIT_JOURNAL_FORMAT}', got ${JSON.stringify(header['format'])}`);
    if (header['version'] !== SPLIT_JOURNAL_VERSION) throw new SplitJournalError(file, `line 1: version must be ${SPLIT_JOURNAL_VERSION}, got ${JSON.stringify(header['version'])}`);
    settings = validateSplitSettings(header['settings'], `${file}:1.settings`);
  }
  const nodes = lines.slice(isHeader ? 1 : 0).map(({ line, value }) => validateSplitNode(value, `${file}:${line}`));
  return { settings, nodes };
}

/** The finished nodes of a journal. */
export function readNodeJournal(file: string): SplitNodeRecord[] {
  return readSplitJournal(file).nodes;
}

/** Where `splitToFile` keeps finished nodes until the tree is written. */
export const nodeJournalOf = (out: string): string => `${out}.nodes.jsonl`;

/**
 * Split and write the tree to `out`, resuming from the node journal beside it if an earlier run
 * was interrupted. The journal is removed once the whole tree is written. A journal started with
 * other settings (SplitSettings: metric, tree options, metric settings) is refused with a
 * SplitResumeError naming each differing option; one without a settings header with a
 * SplitJournalError. A journal that holds no finished node is discarded.
 */
export async function splitToFile(options: SplitOptions, out: string): Promise<SplitTreeDocument> {
  const journal = nodeJournalOf(out);
  const settings = splitSettingsOf(options);
  const previous = readSplitJournal(journal);
  if (previous.nodes.length > 0) {
    if (!previous.settings) {
      throw new SplitJournalError(journal, "has no settings header (an older fsnas wrote it), so it cannot be checked against this run's options: delete it to start the split over, or use another --out");
    }
    const differences = settingsDifferences(previous.settings, settings);
    if (differences.length > 0) throw new SplitResumeError(out, differences);
  } else rmSync(journal, { force: true });
  let headed = previous.nodes.length > 0;
  const doc = await splitSupernet({
    ...options,
    onNode: (node) => {
      if (!headed) appendJournalHeader(journal, settings);
      headed = true;
      appendNodeRecord(journal, node);
      options.onNode?.(node);
    },
    ...(previous.nodes.length > 0 ? { resume: previous.nodes } : {}),
  });
  writeSplitTree(out, doc);
  rmSync(journal, { force: true });
  return doc;
}
