import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { workspaceRoot } from '@fsnas/core';
import { PythonEnvError } from './errors';

export interface PythonEnv {
  readonly venv: string;
  readonly python: string;
  readonly mlflow: string;
  readonly jupyter: string;
}

/** The project's venv: $FSNAS_VENV, else `<root>/.venv`. */
export function venvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env['FSNAS_VENV'] ? resolve(env['FSNAS_VENV']) : join(workspaceRoot(), '.venv');
}

let inFlight: Promise<PythonEnv> | undefined;

/**
 * Make sure the Python environment for MLflow and Jupyter exists, by running tools/setup/setup.sh.
 * The script is a no-op (milliseconds) when its stamp matches; the first time it takes a few minutes
 * and prints its progress to stderr. Concurrent callers in one process share one run; across
 * processes the script serialises itself with a lock.
 */
export function ensurePythonEnv(options: { force?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<PythonEnv> {
  if (!options.force && inFlight) return inFlight;
  const run = runSetup(options.force ?? false, options.env ?? process.env);
  inFlight = run.catch((error: unknown) => {
    inFlight = undefined;
    throw error;
  });
  return inFlight;
}

function runSetup(force: boolean, env: NodeJS.ProcessEnv): Promise<PythonEnv> {
  const script = join(workspaceRoot(), 'tools', 'setup', 'setup.sh');
  if (!existsSync(script)) return Promise.reject(new PythonEnvError(`setup script missing: ${script}`));
  return new Promise((resolvePromise, reject) => {
    // stdout goes to our stderr too: commands with --json keep stdout for their result.
    const child = spawn('bash', [script, ...(force ? ['--force'] : [])], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let tail = '';
    const forward = (chunk: Buffer): void => {
      const text = chunk.toString();
      // pip's "Location ... is ignored" lines come from this machine's pip config, not from fsnas.
      const shown = text
        .split('\n')
        .filter((l) => !l.startsWith('WARNING: Location'))
        .join('\n');
      if (shown.trim() !== '') process.stderr.write(shown.endsWith('\n') ? shown : `${shown}\n`);
      tail = (tail + text).slice(-2000);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', (error) => reject(new PythonEnvError(`cannot run ${script} with bash: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) {
        const lastError = tail
          .split('\n')
          .filter((l) => l.includes('error'))
          .slice(-3)
          .join(' | ');
        reject(new PythonEnvError(`Python environment setup failed (exit ${code}): ${lastError || tail.slice(-300)}. Re-run: bash tools/setup/setup.sh`));
        return;
      }
      const venv = venvDir(env);
      resolvePromise({ venv, python: join(venv, 'bin', 'python'), mlflow: join(venv, 'bin', 'mlflow'), jupyter: join(venv, 'bin', 'jupyter') });
    });
  });
}
