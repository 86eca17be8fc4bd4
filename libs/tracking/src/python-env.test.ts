import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { ensurePythonEnv } from './python-env';
import { SERVER_HOOK_TIMEOUT_MS } from './test-server';

const script = join(workspaceRoot(), 'tools', 'setup', 'setup.sh');

describe('tools/setup/setup.sh', () => {
  it(
    'provides mlflow, the Jupyter pieces and the tslab kernel, and is a quick no-op the second time',
    async () => {
      const env = await ensurePythonEnv();
      const kernels = spawnSync(env.jupyter, ['kernelspec', 'list', '--json'], { encoding: 'utf8' });
      expect(kernels.status).toBe(0);
      const specs = (JSON.parse(kernels.stdout) as { kernelspecs: Record<string, { spec: { argv: string[] } }> }).kernelspecs;
      expect(specs['tslab']?.spec.argv[0]).toBe(join(workspaceRoot(), 'node_modules', 'tslab', 'bin', 'tslab'));
      const versions = spawnSync(env.python, ['-c', 'import mlflow, nbclient, nbformat, ipykernel, jupyter_client; print(mlflow.__version__)'], { encoding: 'utf8' });
      expect(versions.stdout.trim()).toBe('3.17.2');

      const started = performance.now();
      const again = spawnSync('bash', [script], { encoding: 'utf8' });
      expect(again.status).toBe(0);
      expect(performance.now() - started).toBeLessThan(2000);
    },
    SERVER_HOOK_TIMEOUT_MS,
  );

  it('fails with a clear message when no Python >= 3.10 is on PATH', () => {
    // A PATH with the shell tools the script needs and a python3 that is 3.8.
    const bin = mkdtempSync(join(tmpdir(), 'fsnas-nopython-'));
    for (const tool of ['bash', 'cat', 'cut', 'mkdir', 'dirname', 'sha256sum', 'flock', 'rm', 'date', 'sed', 'head', 'grep']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, tool));
    }
    writeFileSync(join(bin, 'python3'), '#!/bin/bash\n[[ "$1" == "--version" ]] && echo "Python 3.8.10" && exit 0\nexit 1\n');
    chmodSync(join(bin, 'python3'), 0o755);
    const venv = join(mkdtempSync(join(tmpdir(), 'fsnas-venv-')), '.venv');
    const result = spawnSync(join(bin, 'bash'), [script], { encoding: 'utf8', env: { PATH: bin, FSNAS_VENV: venv, HOME: tmpdir() } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Python >= 3.10 is required');
    expect(result.stderr).toContain('FSNAS_PYTHON');
  });
});
