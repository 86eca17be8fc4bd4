import { Mask } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { budgetConfig } from './budgets';
import { configHash } from './checkpoint';
import { searchFidelity } from './config';

/**
 * Format stability: a search checkpoint resumes only a config of the same hash, and the CLI and
 * findings key runs by the config (libs/cli formats.test.ts checks the run keys). Literal values
 * recorded before the fidelity vocabulary replaced search's own compat type: the config keeps
 * `compat: 'spec' | 'reference'`, so these hashes must not move.
 */
describe('format stability: search config hashes', () => {
  const full = Mask.full().toRows();

  it('darts on the medium budget (published fidelity) keeps its checkpoint config hash', () => {
    const config = budgetConfig('medium', { algo: 'darts', mask: full, seed: 888 });
    expect(config.compat).toBe('spec');
    expect(searchFidelity(config)).toBe('published');
    expect(configHash(config)).toBe('5aa1b94f903b6ac9');
  });

  it('reference dsnas on the medium budget keeps its checkpoint config hash', () => {
    const config = budgetConfig('medium', { algo: 'dsnas', fidelity: 'reference', mask: full, seed: 888 });
    expect(config.compat).toBe('reference');
    expect(searchFidelity(config)).toBe('reference');
    expect(configHash(config)).toBe('9b9c4453af7348d4');
  });
});
