import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@fsnas/core';
import { createSplitStore, settingOf, type ComputedSplitSource, type SplitStore } from '@fsnas/splitting';

/**
 * For tests: a fresh split cache holding `sources`, each computed by `fsnas split` as a user would
 * (not by the splits stage under test), so a finding's reading of our splits is checked against an
 * independent computation. Sources in the paper's setting only (the CLI's flags: 8 leaves, edges 0, 1, 2).
 */
export async function splitStoreWith(sources: readonly ComputedSplitSource[]): Promise<SplitStore> {
  const store = createSplitStore(mkdtempSync(join(tmpdir(), 'fsnas-split-cache-')));
  for (const source of sources) {
    const s = settingOf(source);
    if (s.edges.kind !== 'order' || s.batchSize !== undefined || s.batches !== undefined || s.network !== undefined || source.warmup !== null) throw new Error(`splitStoreWith computes the paper's setting only, not ${s.name}`);
    const args = ['split', '--metric', source.metric, '--dataset', source.dataset, '--seed', String(source.seed), '--leaves', String(s.leaves), '--branching', s.branching.join(','), '--edges', s.edges.edges.join(','), '--out', store.treeFile(source)];
    args.push('--fidelity', source.fidelity);
    await promisify(execFile)(process.execPath, [join(workspaceRoot(), 'libs/cli/bin/fsnas.mjs'), ...args], { env: { ...process.env, FSNAS_QUIET: '1' } });
  }
  return store;
}
