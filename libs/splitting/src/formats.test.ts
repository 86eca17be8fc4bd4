import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fidelityToken } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { appendJournalHeader } from './node-journal';
import { randomSplit } from './random-split';
import { fidelityOfTree, type SplitMetricSettings } from './split-settings';
import { readSplitTree, writeSplitTree } from './split-tree';
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
    ['published', 'none', 'a4d241110e9d2e479a8385bb018bf3dcbb43439cd126cf45c3e555507b329138'],
    ['reference', 'reference', 'b0ae65ccab5c919276bd135a540b005ce8256916a67d348afbfe7128553d8f99'],
  ] as const)('a random split tree of fidelity %s (compat %s) is written byte for byte as before', (fidelity, compat, hash) => {
    const file = join(dir, `random-${fidelity}.json`);
    const doc = randomSplit({ ...plan, seed: 888, fidelity });
    expect(doc.options.compat).toBe(compat);
    expect(fidelityOfTree(doc.options)).toBe(fidelity);
    writeSplitTree(file, doc);
    expect(sha(file)).toBe(hash);
    expect(fidelityOfTree(readSplitTree(file).options)).toBe(fidelity);
  });

  it.each([
    ['published', 'none', 'cd3c01a549cb5eb5af5f3b8566dfad7160013376234d4cc55602b1fd610ef063'],
    ['reference', 'reference', '822d9e5223d9637d17e6606571ba2136927900a76737dc46641909aacece44d9'],
  ] as const)('the node-journal header of fidelity %s (compat %s) is written byte for byte as before', (fidelity, compat, hash) => {
    const file = join(dir, `journal-${fidelity}.jsonl`);
    const metricCompat = fidelityToken('metrics', fidelity);
    appendJournalHeader(file, splitSettingsOf({ metric: hashScalarMetric(), ...plan, seed: 4, fidelity, metricSettings: metricSettings(metricCompat) }));
    expect(readFileSync(file, 'utf8')).toContain(`"seed":4,"compat":"${compat}","groupSizes":null`);
    expect(sha(file)).toBe(hash);
  });
});
