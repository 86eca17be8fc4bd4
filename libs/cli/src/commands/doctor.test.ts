import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { engineBuild } from '@fsnas/nn';
import { workspaceRoot } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { runFsnasWithEnv } from '../testing';

interface Doctor {
  backend: string;
  tfjs_backend: string;
  version: string;
  threads: number;
  devices: string[];
  fallback?: string;
  engines: { flavour: string; status: string; detail?: string }[];
}

const doctor = async (env: Record<string, string | undefined> = {}): Promise<Doctor> => {
  const result = await runFsnasWithEnv(env, 'doctor', '--json');
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Doctor;
};

/** .ci/run sets FSNAS_EXPECT_ENGINE=node: on CI the bootstrap's build must have worked. */
const expectEngine = process.env['FSNAS_EXPECT_ENGINE'];
const built = engineBuild('node').manifest !== undefined;

describe('fsnas doctor and the bootstrap-built engine', () => {
  it.runIf(built || expectEngine === 'node')('auto selects the tfjs-node that the bootstrap built, with TensorFlow on the CPU', async () => {
    expect(built, `the bootstrap did not build tfjs-node: ${engineBuild('node').failure ?? 'no engine.json'}`).toBe(true);
    const report = await doctor({ FSNAS_BACKEND: undefined, FSNAS_THREADS: undefined });
    expect(report).toMatchObject({ backend: 'node', tfjs_backend: 'tensorflow' });
    expect(report.version).toMatch(/^tfjs-node 4\.22\.0, TensorFlow 2\.18\.\d+$/);
    expect(report.devices).toContain('CPU');
    expect(report.fallback).toBeUndefined();
    // FSNAS_THREADS is how worker processes are kept from oversubscribing the cores.
    expect((await doctor({ FSNAS_THREADS: '1' })).threads).toBe(1);
  });

  it('a build that cannot run says why in one line, and fsnas falls back to wasm saying so once', async () => {
    // A PATH with every tool of this machine except the C++ compiler.
    const bin = mkdtempSync(join(tmpdir(), 'fsnas-nocxx-'));
    for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
      let names: string[] = [];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (name === 'g++' || name.startsWith('g++-') || name === 'c++') continue;
        try {
          symlinkSync(join(dir, name), join(bin, name));
        } catch {
          // An earlier PATH entry already provides this name, as the shell would pick it.
        }
      }
    }
    const engines = mkdtempSync(join(tmpdir(), 'fsnas-engines-'));
    const script = join(workspaceRoot(), 'tools', 'setup', 'tfjs-node.sh');
    const build = await promisify(execFile)('bash', [script, 'cpu'], { env: { ...process.env, PATH: bin, FSNAS_ENGINE_DIR: engines } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(build.code).toBe(1);
    expect(build.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^fsnas setup: tfjs-node not built: no g\+\+ .*fsnas uses wasm instead/)]);
    expect(readFileSync(join(engines, 'tfjs-node', 'build-failed.txt'), 'utf8')).toMatch(/^no g\+\+/);

    const env = { FSNAS_ENGINE_DIR: engines, FSNAS_BACKEND: undefined };
    const report = await doctor(env);
    expect(report).toMatchObject({ backend: 'wasm', tfjs_backend: 'wasm', threads: 1 });
    expect(report.fallback).toMatch(/^tfjs-node not built: no g\+\+/);
    expect(report.engines.find((e) => e.flavour === 'node')).toMatchObject({ status: 'failed' });

    // A command that computes prints the notice on stderr, once.
    const archs = join(engines, 'archs.txt');
    writeFileSync(archs, '0\n');
    const score = await runFsnasWithEnv({ ...env, FSNAS_QUIET: undefined }, 'metrics', 'score', '--metric', 'synflow', '--archs', archs, '--batch-size', '2', '--json');
    expect(score.status, score.stderr).toBe(0);
    expect(score.stderr.match(/tfjs-node not built: no g\+\+/g)).toHaveLength(1);
  });

  it('names an engine that was asked for but is not built', async () => {
    const result = await runFsnasWithEnv({ FSNAS_ENGINE_DIR: mkdtempSync(join(tmpdir(), 'fsnas-engines-')), FSNAS_BACKEND: 'node' }, 'doctor');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^fsnas: FSNAS_BACKEND=node is not available: not built \(npm run setup builds it\)/);
  });
});

