import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJournalHeader } from './node-journal';
import { randomSplit } from './random-split';
import type { SplitMetricSettings } from './split-settings';
import { writeSplitTree } from './split-tree';
import { splitSettingsOf } from './splitter';
import { hashScalarMetric } from './testing/fake-metrics';

/**
 * Format stability: split trees and node-journal headers are files (the cached trees of the splits
 * stage, committed results, journals a rerun resumes), and their options record
 * `compat: 'none' | 'reference'` and `metricCompat: 'naslib' | 'reference'`. Literal sha256 values of
 * the bytes written, recorded before the fidelity vocabulary replaced splitting's own compat type.
 */
describe('format stability: split tree files and node-journal headers', () => {
  const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-split-format-'));
  const plan = { leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] } } as const;
  const metricSettings = (metricCompat: string): SplitMetricSettings => ({
    dataset: 'cifar10',
    batchSize: 64,
    batches: 1,
    init: 'pytorch_default',
    metricCompat,
    network: { C: 16, N: 5, classes: 10, affine: true },
    secondOrderBatch: 32,
    warmup: null,
    backend: 'wasm',
  });

  it.each([
    ['none', 'a4d241110e9d2e479a8385bb018bf3dcbb43439cd126cf45c3e555507b329138'],
    ['reference', 'b0ae65ccab5c919276bd135a540b005ce8256916a67d348afbfe7128553d8f99'],
  ] as const)('a random split tree of compat %s is written byte for byte as before', (compat, hash) => {
    const file = join(dir, `random-${compat}.json`);
    writeSplitTree(file, randomSplit({ ...plan, seed: 888, compat }));
    expect(sha(file)).toBe(hash);
  });

  it.each([
    ['none', 'naslib', 'cd3c01a549cb5eb5af5f3b8566dfad7160013376234d4cc55602b1fd610ef063'],
    ['reference', 'reference', '822d9e5223d9637d17e6606571ba2136927900a76737dc46641909aacece44d9'],
  ] as const)('the node-journal header of compat %s is written byte for byte as before', (compat, metricCompat, hash) => {
    const file = join(dir, `journal-${compat}.jsonl`);
    appendJournalHeader(file, splitSettingsOf({ metric: hashScalarMetric(), ...plan, seed: 4, compat, metricSettings: metricSettings(metricCompat) }));
    expect(readFileSync(file, 'utf8')).toContain(`"seed":4,"compat":"${compat}","groupSizes":null`);
    expect(sha(file)).toBe(hash);
  });
});
