import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@fsnas/core';
import { describeSplitSource, splitSourceKey } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { computedSplitSources } from './split-sources';

/**
 * Format stability: a computed split's cache key is a hash of its source, and it names the cached
 * tree (data/splits/<key>.json, the committed findings/splits/results/laptop/*.json). Literal values
 * recorded before the fidelity vocabulary replaced each library's compat type: a change here orphans
 * every cached and committed tree.
 */
describe('format stability: split cache keys', () => {
  const laptop = computedSplitSources('laptop', ['cifar10']);
  const gm = laptop.find((s) => s.metric === 'gradient_matching');

  it("the paper setting's gradient-matching source keeps its key 67a1248d14a49125", () => {
    expect(gm && splitSourceKey(gm)).toBe('gradient_matching-cifar10-67a1248d14a49125');
  });

  it('every laptop source still names its committed tree in findings/splits/results/laptop', () => {
    const committed = readdirSync(join(workspaceRoot(), 'findings/splits/results/laptop'))
      .filter((f) => f.endsWith('.json') && !f.endsWith('.timing.json'))
      .map((f) => f.replace(/\.json$/, ''));
    expect(laptop.map(splitSourceKey).sort()).toEqual(committed.sort());
    expect(laptop.map(describeSplitSource)).toEqual(laptop.map((s) => `ours:${s.metric}`));
  });

  it('a source of the published fidelity keeps the key it had as fidelity none', () => {
    expect(gm && splitSourceKey({ ...gm, fidelity: 'published' })).toBe('gradient_matching-cifar10-5a165fe161e21e49');
  });
});
