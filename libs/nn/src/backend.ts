import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { InvalidInputError } from '@fsnas/core';
import * as tf from '@tensorflow/tfjs-core';
// Types only: the chained tensor methods (x.sum(), ...) that registerGradients installs at run time.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { cudaDirsMissingFromLibraryPath, engineBuild, engineBuildCommand, type EngineFlavour } from './engine';
import { registerGradients } from './gradients';
import { registerKernels } from './kernels';

/**
 * Backend selection. `node` is `@tensorflow/tfjs-node`, the native TensorFlow engine that the bootstrap
 * builds into the project (engine.ts); `node-gpu` its opt-in GPU build. `wasm` is the npm-only
 * fallback: XNNPACK convolutions with SIMD, plus the gradient kernels the package lacks, registered by
 * this library (kernels/). `cpu` is the pure-JS reference (slow, used to check the wasm kernels).
 * `auto` takes the first that loads, in this order (docs/decisions/0009-tfjs-backends.md).
 */
export const BACKENDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** What was asked for (FSNAS_BACKEND or the argument), or 'auto'. */
  requested: BackendName | 'auto';
  /** What runs. */
  name: BackendName;
  /** tfjs's own backend name (`tensorflow` for tfjs-node). */
  tfBackend: string;
  /** The engine's version, e.g. `tfjs-node 4.22.0, TensorFlow 2.18.0`. */
  version: string;
  /** Intra-op threads the engine computes with (FSNAS_THREADS sets them for node; wasm and cpu use 1). */
  threads: number;
  /** The devices the engine computes on: `CPU`, plus `GPU` when tfjs-node-gpu found one. */
  devices: string[];
  /** wasm only: whether the SIMD binary is in use. */
  simd?: boolean;
  /** Under auto: why a faster engine was not used, for the one-line notice. */
  fallback?: string;
}

const requireHere = createRequire(import.meta.url);
let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

export interface InitBackendOptions {
  /** Overrides FSNAS_BACKEND. */
  backend?: BackendName | 'auto';
  /** Write the one-line "fsnas: tfjs backend ..." note on stderr (default true). */
  log?: boolean;
}

/**
 * Pick and initialise the tfjs backend once per process; later calls return the same result
 * unless a different explicit backend is asked for (tests switch between wasm and cpu).
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? parseBackendEnv(process.env['FSNAS_BACKEND']);
  if (current && (requested === 'auto' || requested === current.name)) {
    if (tf.getBackend() !== current.tfBackend) await switchTo(current.tfBackend);
    return current;
  }
  if (pending) {
    await pending;
    return initBackend(options);
  }
  pending = select(requested);
  try {
    current = await pending;
  } finally {
    pending = undefined;
  }
  if (options.log ?? true) process.stderr.write(`fsnas: ${describeBackend(current)}\n`);
  return current;
}

/** The one-line engine summary that long commands print first, and `fsnas doctor` shows. */
export function describeBackend(info: BackendInfo): string {
  const simd = info.simd === undefined ? '' : `, simd=${String(info.simd)}`;
  const line = `tfjs backend ${info.name}${info.requested === 'auto' ? ' [auto]' : ''} (${info.version}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${simd}, ${info.devices.join('+')})`;
  return info.fallback ? `${line}; ${info.fallback}` : line;
}

/** The backend chosen by initBackend, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

export function parseBackendEnv(value: string | undefined): BackendName | 'auto' {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if ((BACKENDS as readonly string[]).includes(value)) return value as BackendName;
  throw new InvalidInputError(`FSNAS_BACKEND must be one of ${BACKENDS.join('|')}|auto, got '${value}'`);
}

async function select(requested: BackendName | 'auto'): Promise<BackendInfo> {
  // PROD silences tfjs's console banners ("install tfjs-node ...") and skips debug-only checks.
  tf.env().set('PROD', true);
  await registerGradients();
  if (requested !== 'auto') {
    const info = await tryBackend(requested);
    if (!info) throw new InvalidInputError(`FSNAS_BACKEND=${requested} is not available: ${unavailableReason(requested)}${requested === 'node' || requested === 'node-gpu' ? ` (${engineBuildCommand(requested)} builds it)` : ''}`);
    return { ...info, requested };
  }
  // node-gpu is opt-in: auto tries it only where it was built, and says nothing when it was not.
  const gpu = engineBuild('node-gpu').manifest ? await tryBackend('node-gpu') : undefined;
  if (gpu) return { ...gpu, requested };
  const node = await tryBackend('node');
  if (node) return { ...node, requested };
  const fallback = `tfjs-node ${unavailableReason('node')}; wasm is several times slower (${engineBuildCommand('node')} builds it)`;
  for (const name of ['wasm', 'cpu'] as const) {
    const info = await tryBackend(name);
    if (info) return { ...info, requested, fallback };
  }
  throw new InvalidInputError('no tfjs backend could be initialised');
}

function unavailableReason(name: BackendName): string {
  if (name === 'node' || name === 'node-gpu') {
    const build = engineBuild(name);
    if (loadFailures.has(name)) return `failed to load from ${build.packageDir}: ${loadFailures.get(name)}`;
    return build.failure ? `not built: ${build.failure}` : 'not built';
  }
  return 'initialisation failed';
}

/** Why a built engine failed to load, per flavour, for the messages. */
const loadFailures = new Map<EngineFlavour, string>();

async function tryBackend(name: BackendName): Promise<Omit<BackendInfo, 'requested'> | undefined> {
  switch (name) {
    case 'node':
    case 'node-gpu':
      return tryNativeEngine(name);
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm binaries are read from the package's dist/ folder as files.
      const dist = path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      if (!wasmPathsSet) {
        wasm.setWasmPaths(`${dist}${path.sep}`);
        wasmPathsSet = true;
      }
      registerKernels('wasm');
      if (!(await switchTo('wasm'))) return undefined;
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { name, tfBackend: 'wasm', version: `tfjs-backend-wasm ${wasm.version_wasm}`, simd, threads: wasm.getThreadsCount(), devices: ['CPU'] };
    }
    case 'cpu': {
      const cpu = await import('@tensorflow/tfjs-backend-cpu');
      registerKernels('cpu');
      return (await switchTo('cpu')) ? { name, tfBackend: 'cpu', version: `tfjs-backend-cpu ${cpu.version_cpu}`, threads: 1, devices: ['CPU'] } : undefined;
    }
  }
}

/** The parts of tfjs-node's backend object that are read here (its type is not imported). */
interface NodeBackendHandle {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

async function tryNativeEngine(name: EngineFlavour): Promise<Omit<BackendInfo, 'requested'> | undefined> {
  const build = engineBuild(name);
  if (!build.manifest) return undefined;
  const threads = engineThreads();
  // TensorFlow sizes its thread pools from these when its context starts (first op). They are set only
  // for that moment: left in process.env, child processes (worker pools) would inherit this process's
  // thread count instead of the FSNAS_THREADS their parent gives them.
  const env = { TF_NUM_INTRAOP_THREADS: String(threads), TF_NUM_INTEROP_THREADS: String(threads), TF_CPP_MIN_LOG_LEVEL: process.env['TF_CPP_MIN_LOG_LEVEL'] ?? '2', ...(name === 'node-gpu' ? { TF_FORCE_GPU_ALLOW_GROWTH: process.env['TF_FORCE_GPU_ALLOW_GROWTH'] ?? 'true' } : {}) };
  const started = await withEnv(env, async () => {
    try {
      // tfjs-node registers the 'tensorflow' backend in tfjs's global engine on load.
      requireHere(build.packageDir);
    } catch (error) {
      loadFailures.set(name, (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '');
      return false;
    }
    if (!(await switchTo('tensorflow'))) return false;
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
    return true;
  });
  if (!started) return undefined;
  registerKernels('tensorflow');
  const handle = tf.backend() as unknown as NodeBackendHandle;
  const gpu = handle.isUsingGpuDevice === true;
  const info: Omit<BackendInfo, 'requested'> = {
    name,
    tfBackend: 'tensorflow',
    version: `${build.manifest.package.replace('@tensorflow/', '')} ${build.manifest.version}, TensorFlow ${handle.binding?.TF_Version ?? '?'}`,
    threads,
    devices: gpu ? ['CPU', 'GPU'] : ['CPU'],
  };
  if (name === 'node-gpu' && !gpu) info.fallback = `tfjs-node-gpu sees no GPU, so it computes on the CPU${cudaDirsMissingFromLibraryPath().length === 0 ? '' : ' (its CUDA libraries are not on LD_LIBRARY_PATH: start through the fsnas command)'}`;
  return info;
}

/**
 * Intra-op threads for a native engine: FSNAS_THREADS (set by the parent for each worker process, so
 * that workers × threads never exceeds the cores), else every core this process may use.
 */
export function engineThreads(env: NodeJS.ProcessEnv = process.env): number {
  const value = env['FSNAS_THREADS'];
  if (value === undefined || value === '') return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`FSNAS_THREADS must be a positive integer, got '${value}'`);
  return n;
}

async function withEnv<T>(vars: Readonly<Record<string, string>>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let wasmPathsSet = false;

async function switchTo(tfBackend: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(tfBackend);
    await tf.ready();
    return ok;
  } catch {
    return false;
  }
}

export { tf };
