import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from './score';
import { ScoreJournal, journalSettings } from './score-journal';

/**
 * Format stability: a score journal's first line holds its settings, and a rerun resumes it only if
 * they are the same JSON. Literal values recorded before the fidelity vocabulary replaced the
 * metrics' own compat type: the header keeps `compat: 'naslib' | 'reference'`.
 */
describe('format stability: metric score-journal headers', () => {
  const DEFAULT = '{"dataset":"cifar10","batchSize":64,"batches":1,"seed":0,"compat":"naslib","init":"pytorch_default","network":{},"secondOrderBatch":64,"metrics":["snip","synflow"]}';
  const REFERENCE = '{"dataset":"cifar10","batchSize":16,"batches":1,"seed":0,"compat":"reference","init":"kaiming_normal_fanin","network":{},"secondOrderBatch":16,"metrics":["snip","synflow"]}';

  it('default settings (published fidelity) give the same header identity', () => {
    expect(JSON.stringify(journalSettings(resolveSettings({}), ['synflow', 'snip']))).toBe(DEFAULT);
  });

  it('reference settings give the same header identity', () => {
    expect(JSON.stringify(journalSettings(resolveSettings({ fidelity: 'reference' }), ['synflow', 'snip']))).toBe(REFERENCE);
  });

  it('a new journal starts with the same header line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fsnas-journal-format-')), 'scores.jsonl');
    ScoreJournal.open(file, journalSettings(resolveSettings({}), ['synflow', 'snip']));
    expect(readFileSync(file, 'utf8')).toBe(`{"format":"fsnas-metric-scores","settings":${DEFAULT}}\n`);
  });
});
