import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join, resolve } from 'node:path';
import { workspaceRoot } from '@fsnas/core';

/**
 * The native TensorFlow engines that `tools/setup/tfjs-node.sh` builds into the project
 * (`.fsnas/engines/tfjs-node`, and the opt-in `tfjs-node-gpu`). They live outside node_modules because
 * npm would prune a package that package.json lacks, and they are not dependencies because their
 * build needs PyPI and a C++ toolchain (docs/decisions/0009-tfjs-backends.md).
 */
export type EngineFlavour = 'node' | 'node-gpu';

/** engine.json, written by the build script once the engine has loaded and computed. */
export interface EngineManifest {
  package: string;
  version: string;
  tensorflow: string;
  wheel_sha256: string;
  /** GPU only: the CUDA wheels' lib/ folders, which must be on LD_LIBRARY_PATH when the process starts. */
  library_path: string[];
  build_id: string;
  built_at: string;
}

export interface EngineBuild {
  flavour: EngineFlavour;
  /** The engine's folder, holding engine.json, SHA256SUMS, build.log and node_modules/. */
  dir: string;
  /** The package folder to require(). */
  packageDir: string;
  /** Present when the build completed. */
  manifest?: EngineManifest;
  /** The build script's one-line reason, when its last attempt failed. */
  failure?: string;
}

/** FSNAS_ENGINE_DIR (as the build script reads it), else <workspace>/.fsnas/engines. */
export function enginesDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['FSNAS_ENGINE_DIR'];
  return dir ? resolve(dir) : join(workspaceRoot(), '.fsnas', 'engines');
}

/** What the build script left for one flavour (nothing, a finished build, or a failure). */
export function engineBuild(flavour: EngineFlavour, env: NodeJS.ProcessEnv = process.env): EngineBuild {
  const pkg = flavour === 'node' ? 'tfjs-node' : 'tfjs-node-gpu';
  const dir = join(enginesDir(env), pkg);
  const build: EngineBuild = { flavour, dir, packageDir: join(dir, 'node_modules', '@tensorflow', pkg) };
  const manifestFile = join(dir, 'engine.json');
  const failureFile = join(dir, 'build-failed.txt');
  if (existsSync(manifestFile)) build.manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as EngineManifest;
  else if (existsSync(failureFile)) build.failure = readFileSync(failureFile, 'utf8').trim();
  return build;
}

/** The command that builds a flavour, for messages. */
export function engineBuildCommand(flavour: EngineFlavour): string {
  return flavour === 'node' ? 'npm run setup' : 'bash tools/setup/tfjs-node-gpu.sh';
}

/** The GPU engine's CUDA lib/ folders that LD_LIBRARY_PATH lacks (none when that engine is not built). */
export function cudaDirsMissingFromLibraryPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const onPath = new Set((env['LD_LIBRARY_PATH'] ?? '').split(':'));
  return (engineBuild('node-gpu', env).manifest?.library_path ?? []).filter((d) => !onPath.has(d));
}

/**
 * TensorFlow dlopens the CUDA libraries when it starts, and the dynamic loader reads LD_LIBRARY_PATH
 * only when a process starts. So where tfjs-node-gpu is built and may be chosen (FSNAS_BACKEND unset,
 * auto or node-gpu) and its CUDA lib/ folders are not on the path yet, the command reruns itself once,
 * in a child process with them added, and this returns the child's exit code. Otherwise undefined.
 */
export async function relaunchWithCudaLibraries(env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const requested = env['FSNAS_BACKEND'] ?? '';
  if (!['', 'auto', 'node-gpu'].includes(requested)) return undefined;
  const missing = cudaDirsMissingFromLibraryPath(env);
  if (missing.length === 0) return undefined;
  const onPath = (env['LD_LIBRARY_PATH'] ?? '').split(':').filter((d) => d !== '');
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...env, LD_LIBRARY_PATH: [...missing, ...onPath].join(':') },
  });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward);
  return new Promise((done) => {
    child.on('exit', (code, signal) => done(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  });
}
