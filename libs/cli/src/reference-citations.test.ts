import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The code explains the paper's reference implementation by citing docs/reference.md, a page of
// this repository, never the design notes outside it.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE = /\.(ts|mts|mjs|js|py|sh|md|ipynb)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** Section numbers a text cites as `docs/reference.md §N`, with any `, §M`, ` and §M` or `§N–M` that follow. */
function citedSections(text: string): string[] {
  const runs = text.matchAll(/docs\/reference\.md ((?:§\d+(?:\.\d+)*(?:–\d+(?:\.\d+)*)?(?:,? (?:and )?(?=§))?)+)/g);
  return [...runs].flatMap((run) => [...(run[1] as string).matchAll(/\d+(?:\.\d+)*/g)].map((m) => m[0]));
}

/** Section numbers the page's headings define (`## 3. Splitting`, `### 3.4 Partition search`). */
function definedSections(page: string): Set<string> {
  return new Set([...page.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1] as string));
}

const files = ['libs', 'experiments', 'findings', 'tools', 'notebooks', 'docs']
  .flatMap((dir) => {
    try {
      return sourceFiles(join(ROOT, dir));
    } catch {
      return []; // a folder this checkout does not have
    }
  })
  .concat(join(ROOT, 'README.md'));

describe('citations of the reference implementation', () => {
  it('finds the citation forms the code uses', () => {
    expect(citedSections('(docs/reference.md §2.2, §9.1 and §9.5; see §4)')).toEqual(['2.2', '9.1', '9.5']);
    expect(citedSections('docs/reference.md §1.2–1.3, joint mode')).toEqual(['1.2', '1.3']);
    expect([...definedSections('## 3. Splitting\n### 3.4 Partition search\n#### 10.11 x\n')]).toEqual(['3', '3.4', '10.11']);
  });

  it('no source file cites the design notes outside the repository', () => {
    const outside = /REFERENCE_SPEC(\.md)?\)? *§|shared\/design\/REFERENCE_SPEC/;
    const citing = files.filter((path) => outside.test(readFileSync(path, 'utf8'))).map((path) => relative(ROOT, path));
    expect(citing).toEqual([]);
  });

  it('every section of docs/reference.md that a file cites exists', () => {
    const defined = definedSections(readFileSync(join(ROOT, 'docs/reference.md'), 'utf8'));
    const missing = files.flatMap((path) =>
      citedSections(readFileSync(path, 'utf8').replace(/\s*\n\s*(\*|\/\/|#)?\s*/g, ' '))
        .filter((section) => !defined.has(section))
        .map((section) => `${relative(ROOT, path)}: §${section}`),
    );
    const cited = files.flatMap((path) => citedSections(readFileSync(path, 'utf8')));
    expect(cited.length).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
