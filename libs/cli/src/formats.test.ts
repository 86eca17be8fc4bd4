import { join } from 'node:path';
import { writableDataDir } from '@fsnas/core';
import { NASLIB_COLUMNS } from '@fsnas/metrics';
import { Mask } from '@fsnas/nb201';
import { budgetConfig } from '@fsnas/search';
import { runKey } from '@fsnas/tracking';
import { describe, expect, it } from 'vitest';
import { defaultJournal } from './commands/metrics';

/**
 * Format stability of what the CLI hashes: run keys of search configs (they name `fsnas search`
 * result files and skip finished MLflow runs) and the default journal of `fsnas metrics validate`
 * (a rerun resumes the journal of the same settings). Literal values recorded before the fidelity
 * vocabulary replaced each library's compat type.
 */
describe('format stability: CLI run keys and journal names', () => {
  const full = Mask.full().toRows();

  it('search configs keep their run keys', () => {
    expect(runKey(budgetConfig('medium', { algo: 'darts', mask: full, seed: 888 }))).toBe('637bb2cf026bd812dcbff67f0380c8db035d58fb50a91caad7f9ab0a3628cd52');
    expect(runKey(budgetConfig('medium', { algo: 'dsnas', fidelity: 'reference', mask: full, seed: 888 }))).toBe('4dd5e5ab037f0507a54b5fd2e5e9059c25464c1da8d388a0626527e266ce3603');
  });

  it("metrics validate's default journal keeps its name for the default settings and for reference", () => {
    const columns = Object.keys(NASLIB_COLUMNS);
    const journal = (hash: string): string => join(writableDataDir(), 'metrics', `scores-${hash}.jsonl`);
    expect(defaultJournal({ dataset: 'cifar10', batches: 1, seed: 0, fidelity: 'published' }, columns)).toBe(journal('f5dca5f51144'));
    expect(defaultJournal({ dataset: 'cifar10', batches: 1, seed: 0, fidelity: 'reference' }, columns)).toBe(journal('5047b0274bd0'));
  });
});
