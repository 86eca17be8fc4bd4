import { execFileSync } from 'node:child_process';
import { workspaceRoot } from '@fsnas/core';

/** The commit the results come from (with `-dirty` when the tree has changes), or `unknown` outside git. */
export function gitCommit(): string {
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd: workspaceRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return run(['rev-parse', '--short=12', 'HEAD']) + (run(['status', '--porcelain']) ? '-dirty' : '');
  } catch {
    return 'unknown';
  }
}
