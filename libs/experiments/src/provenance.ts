import { execFileSync } from 'node:child_process';
import { workspaceRoot } from '@fsnas/core';

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The commit the results come from (with `-dirty` when the tree has changes), or `unknown` outside git. */
export function gitCommit(): string {
  try {
    return git(['rev-parse', '--short=12', 'HEAD']) + (git(['status', '--porcelain']) ? '-dirty' : '');
  } catch {
    return 'unknown';
  }
}

/** The full hash of HEAD, for `mlflow.source.git.commit`; undefined outside git. */
export function gitCommitHash(): string | undefined {
  try {
    return git(['rev-parse', 'HEAD']);
  } catch {
    return undefined;
  }
}

/** `mlflow.source.*` for runs logged by an fsnas command (e.g. `fsnas reproduce`). */
export function fsnasSource(command: string): { name: string; gitCommit?: string } {
  const hash = gitCommitHash();
  return hash ? { name: command, gitCommit: hash } : { name: command };
}
