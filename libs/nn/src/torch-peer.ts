import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '@fsnas/core';

// The PyTorch peers in tools/bench: the performance benches time them, and the metrics' agreement
// check (checkAgainstTorch) compares values with them.

/** The Python that has torch: the project venv first, then tools/bench/.venv-bench. */
export function peerPython(root = workspaceRoot()): string | undefined {
  const candidates = [path.join(root, '.venv', 'bin', 'python'), path.join(root, 'tools', 'bench', '.venv-bench', 'bin', 'python')];
  for (const py of candidates) {
    if (!existsSync(py)) continue;
    const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status === 0) return py;
  }
  return undefined;
}

export type TorchPeerResult<T> = { readonly value: T; readonly python: string } | { readonly error: string };

/**
 * Run one of the PyTorch peer scripts of tools/bench with a JSON spec (argv[1]); the script prints
 * one JSON object as its last stdout line. Used by the perf benches and by the metrics' agreement check.
 */
export function runTorchPeer<T>(script: string, spec: unknown): TorchPeerResult<T> {
  const root = workspaceRoot();
  const python = peerPython(root);
  if (!python) return { error: 'no Python with torch: run `python3 -m venv tools/bench/.venv-bench && tools/bench/.venv-bench/bin/pip install -r tools/bench/requirements.txt`' };
  const res = spawnSync(python, [path.join(root, 'tools', 'bench', script), JSON.stringify(spec)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (res.status !== 0) return { error: `${script} failed: ${(res.stderr || res.stdout).trim().split('\n').slice(-1)[0] ?? ''}` };
  return { value: JSON.parse(res.stdout.trim().split('\n').slice(-1)[0] ?? '{}') as T, python };
}
