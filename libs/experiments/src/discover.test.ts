import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverFindings, findingFolders, selectFindings } from './discover';

/** A workspace root holding one finding folder whose entry is `source`. */
function rootWith(folder: string, source: string, pkg: object = { name: `@x/${folder}`, exports: './src/index.ts' }): string {
  const root = mkdtempSync(join(tmpdir(), 'fsnas-discover-'));
  mkdirSync(join(root, 'findings', folder, 'src'), { recursive: true });
  writeFileSync(join(root, 'findings', folder, 'package.json'), JSON.stringify(pkg));
  writeFileSync(join(root, 'findings', folder, 'src', 'index.ts'), source);
  return root;
}

describe('finding discovery', () => {
  it("finds the workspace's findings, the splits stage first and the searches last, each with its notebook", async () => {
    const findings = await discoverFindings();
    expect(findings.map((f) => f.id)).toEqual(['splits', 'F1-split-diversity', 'F3-distribution', 'F4-selection', 'F2a-collapse', 'F2-oneshot-on-splits']);
    expect(findingFolders().map((f) => [f.packageName, f.notebooks])).toEqual([
      ['@fsnas/finding-f1-split-diversity', ['F1-split-diversity.ipynb']],
      ['@fsnas/finding-f2-oneshot-on-splits', ['F2-oneshot-on-splits.ipynb']],
      ['@fsnas/finding-f2a-collapse', ['F2a-collapse.ipynb']],
      ['@fsnas/finding-f3-distribution', ['F3-distribution.ipynb']],
      ['@fsnas/finding-f4-selection', ['F4-selection.ipynb']],
      ['@fsnas/finding-splits', []],
    ]);
    expect(selectFindings('F2,F3', findings).map((f) => f.id)).toEqual(['splits', 'F3-distribution', 'F2-oneshot-on-splits']);
    expect(selectFindings('F2', findings).map((f) => f.id)).toEqual(['splits', 'F2-oneshot-on-splits']);
    expect(selectFindings('F2a', findings).map((f) => f.id)).toEqual(['F2a-collapse']);
    // A prefix naming two findings is an error, never whichever comes first.
    const twins = [{ id: 'X-a' }, { id: 'X-b' }] as never[];
    expect(() => selectFindings('X', twins)).toThrow("finding 'X' is ambiguous: X-a, X-b");
    expect(() => selectFindings('F9', findings)).toThrow(/unknown finding 'F9'; known: splits, F1-split-diversity/);
  });

  it('a folder whose entry exports no finding, or a package.json without its entry, is an error naming the file', async () => {
    await expect(discoverFindings(rootWith('broken', 'export const notAFinding = 1;\n'))).rejects.toThrow(/broken\/src\/index\.ts must export a Finding named 'finding'/);
    expect(() => findingFolders(rootWith('noentry', '', { name: '@x/noentry' }))).toThrow(/noentry\/package\.json needs a "name" and a string "exports"/);
  });
});
