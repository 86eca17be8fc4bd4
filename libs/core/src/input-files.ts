import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidInputError } from './errors';

const reason = (error: unknown): string => (error as NodeJS.ErrnoException).code ?? (error as Error).message;

/**
 * The text of a file the user named, for `what` (the option or argument, e.g. `--archs`): a missing
 * file, a directory or an unreadable file is an InvalidInputError naming it, not a crash.
 */
export function readInputFile(file: string, what: string): string {
  checkInputFile(file, what);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`${what}: cannot read '${file}' (${reason(error)})`);
  }
}

/** `readInputFile`'s check alone, for files read in another way (binary archives): it exists and is not a directory. */
export function checkInputFile(file: string, what: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch (error) {
    throw new InvalidInputError(`${what}: cannot read '${file}' (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : reason(error)})`);
  }
  if (isDirectory) throw new InvalidInputError(`${what}: '${file}' is a directory, not a file`);
}

/**
 * Check, before any work, that files can be written in `dir` (created if missing): an output folder
 * that cannot be written fails at the start of a long job, not when its result is ready. A probe
 * file is created and removed, because permission bits say nothing for root and nothing about
 * read-only mounts. Missing folders are made one level at a time: Node's recursive mkdir never
 * returns on /proc paths (it retries ENOENT forever), which made `split --out /proc/x` hang.
 */
export function checkWritableDir(dir: string, what: string): void {
  const problem = unwritable(dir);
  if (problem) throw new InvalidInputError(`${what}: cannot write to '${dir}' (${problem})`);
}

/** `checkWritableDir` for the folder of an output file, which must not be a directory itself. */
export function checkWritableFile(file: string, what: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    // does not exist yet: fine
  }
  if (isDirectory) throw new InvalidInputError(`${what}: '${file}' is a directory; give a file path`);
  const problem = unwritable(dirname(file));
  if (problem) throw new InvalidInputError(`${what}: cannot write '${file}': its folder '${dirname(file)}' cannot be written (${problem})`);
}

/** Why files cannot be written in `dir` (made if missing), or undefined when they can. */
function unwritable(dir: string): string | undefined {
  try {
    makeDirs(resolve(dir));
    if (!statSync(dir).isDirectory()) return 'not a directory';
    const probe = join(dir, `.fsnas-write-probe-${process.pid}`);
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return undefined;
  } catch (error) {
    return reason(error);
  }
}

/** `mkdir -p` without the recursive flag: each missing level once, failing on the first that cannot be made. */
function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const d of missing) mkdirSync(d);
}
