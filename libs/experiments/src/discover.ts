import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FsnasError, InvalidInputError, workspaceRoot } from '@fsnas/core';
import type { Finding } from './finding';

/** Where the findings live: one folder each, `findings/<folder>/` with a `package.json`. */
const findingsDir = (root: string = workspaceRoot()): string => join(root, 'findings');

/** A finding folder: its package name, its entry file and its notebooks. */
export interface FindingFolder {
  readonly dir: string;
  readonly packageName: string;
  readonly entry: string;
  readonly notebooks: readonly string[];
}

/** The finding folders, by folder name: every `findings/*` with a package.json whose entry exports `finding`. */
export function findingFolders(root: string = workspaceRoot()): FindingFolder[] {
  const base = findingsDir(root);
  return readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(base, e.name, 'package.json')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(base, name);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; exports?: unknown };
      if (typeof pkg.name !== 'string' || typeof pkg.exports !== 'string') throw new FsnasError('BAD_FINDING', `${join(dir, 'package.json')} needs a "name" and a string "exports" (its src/index.ts)`);
      const notebooks = readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();
      return { dir, packageName: pkg.name, entry: join(dir, pkg.exports), notebooks };
    });
}

/**
 * Every finding of the workspace, in the order `reproduce` runs them (Finding.order, then id): each
 * folder's entry is imported and its `finding` export taken. Adding a finding is adding a folder;
 * there is no list to edit.
 */
export async function discoverFindings(root: string = workspaceRoot()): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const folder of findingFolders(root)) {
    const module = (await import(pathToFileURL(folder.entry).href)) as { finding?: Finding };
    const finding = module.finding;
    if (!finding || typeof finding.id !== 'string' || typeof finding.order !== 'number' || typeof finding.plan !== 'function' || typeof finding.execute !== 'function') {
      throw new FsnasError('BAD_FINDING', `${folder.entry} must export a Finding named 'finding' (id, order, plan, execute)`);
    }
    found.push(finding);
  }
  const ids = found.map((f) => f.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) throw new FsnasError('BAD_FINDING', `two finding folders declare the finding '${twice}'`);
  return found.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
}

/** One finding by its id, or by an `F<n>` prefix naming exactly one (`F2a` → `F2a-collapse`); case-insensitive. */
export function findFinding(wanted: string, all: readonly Finding[]): Finding {
  const w = wanted.trim().toLowerCase();
  const exact = all.find((f) => f.id.toLowerCase() === w);
  if (exact) return exact;
  const byPrefix = all.filter((f) => f.id.toLowerCase().startsWith(`${w}-`));
  if (byPrefix.length > 1) throw new InvalidInputError(`finding '${wanted}' is ambiguous: ${byPrefix.map((f) => f.id).join(', ')}`);
  if (!byPrefix[0]) throw new UnknownFindingError(wanted, all);
  return byPrefix[0];
}

/**
 * Findings chosen by `--finding` (ids or their `F<n>` prefixes, comma-separated; all when empty),
 * with the findings they require added, in run order (a required one runs before what reads it).
 */
export function selectFindings(selection: string | undefined, all: readonly Finding[]): Finding[] {
  if (!selection) return [...all];
  const chosen = new Set(selection.split(',').map((wanted) => findFinding(wanted, all)));
  for (const finding of [...chosen]) {
    for (const id of finding.requires ?? []) {
      const required = all.find((f) => f.id === id);
      if (!required) throw new FsnasError('BAD_FINDING', `${finding.id} requires the finding '${id}', which no finding folder declares`);
      chosen.add(required);
    }
  }
  return all.filter((f) => chosen.has(f));
}

export class UnknownFindingError extends InvalidInputError {
  constructor(wanted: string, all: readonly Finding[]) {
    super(`unknown finding '${wanted}'; known: ${all.map((f) => f.id).join(', ') || '(none)'}`);
  }
}
