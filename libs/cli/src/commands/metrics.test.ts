import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFsnas } from '../testing';

describe('fsnas metrics --fidelity', () => {
  const archs = join(mkdtempSync(join(tmpdir(), 'fsnas-metrics-fidelity-')), 'archs.txt');
  writeFileSync(archs, '0\n1\n5\n');
  const scores = async (...fidelity: string[]): Promise<unknown> => {
    const r = await runFsnas('metrics', 'score', '--metric', 'num_params', '--archs', archs, ...fidelity, '--json');
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('scores as before with the hidden old name --compat and its values naslib and reference', async () => {
    const published = await scores();
    expect(await scores('--fidelity', 'published')).toEqual(published);
    expect(await scores('--compat', 'naslib')).toEqual(published);
    expect(await scores('--compat', 'reference')).toEqual(await scores('--fidelity', 'reference'));
  });

  it('lists --fidelity in its help, not the hidden --compat', async () => {
    const help = await runFsnas('metrics', 'score', '--help');
    expect(help.stdout).toContain('--fidelity <fidelity>');
    expect(help.stdout).not.toContain('--compat');
  });
});
