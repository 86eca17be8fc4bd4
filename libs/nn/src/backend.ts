import { createRequire } from 'node:module';
import path from 'node:path';
import { InvalidInputError } from '@fsnas/core';
import * as tf from '@tensorflow/tfjs-core';
// Types only: the chained tensor methods (x.sum(), ...) that ensureGradientsRegistered installs at run time.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { ensureGradientsRegistered } from './gradient-registry';
import { registerCpuKernels, registerWasmKernels } from './kernels';

/**
 * Backend selection. `wasm` is the npm-only default: XNNPACK convolutions with SIMD, plus the
 * gradient kernels the package lacks, registered by this library (kernels/). `cpu` is the pure-JS
 * reference (slow, used to check the wasm kernels). `node` / `node-gpu` are `@tensorflow/tfjs-node(-gpu)`
 * when they can be imported; they are not dependencies because their install needs a download that
 * is unreachable here (docs/decisions: tfjs backends).
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
  /** wasm only: whether the SIMD binary is in use, and the thread count. */
  simd?: boolean;
  threads?: number;
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
  if (options.log ?? true) {
    const extra = current.name === 'wasm' ? ` (simd=${String(current.simd)}, threads=${current.threads ?? 1})` : '';
    process.stderr.write(`fsnas: tfjs backend ${current.name}${extra}${requested === 'auto' ? ' [auto]' : ''}\n`);
  }
  return current;
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
  await ensureGradientsRegistered();
  if (requested !== 'auto') {
    const info = await tryBackend(requested);
    if (!info) throw new InvalidInputError(`FSNAS_BACKEND=${requested} is not available: ${unavailableReason(requested)}`);
    return { ...info, requested };
  }
  for (const name of BACKENDS) {
    const info = await tryBackend(name);
    if (info) return { ...info, requested };
  }
  throw new InvalidInputError('no tfjs backend could be initialised');
}

function unavailableReason(name: BackendName): string {
  if (name === 'node' || name === 'node-gpu') return `@tensorflow/tfjs-${name} is not installed or failed to load`;
  return 'initialisation failed';
}

async function tryBackend(name: BackendName): Promise<Omit<BackendInfo, 'requested'> | undefined> {
  switch (name) {
    case 'node':
    case 'node-gpu': {
      // FSNAS_TFJS_NODE_DIR: a tfjs-node package built outside the workspace (the offline build of
      // docs/decisions/0009-tfjs-backends.md), since npm would prune one that package.json lacks.
      const dir = process.env[name === 'node' ? 'FSNAS_TFJS_NODE_DIR' : 'FSNAS_TFJS_NODE_GPU_DIR'];
      const spec = dir && dir !== '' ? dir : `@tensorflow/tfjs-${name}`;
      try {
        requireHere.resolve(spec);
      } catch {
        return undefined;
      }
      try {
        // tfjs-node registers the 'tensorflow' backend in tfjs's global engine on load.
        requireHere(spec);
      } catch {
        return undefined;
      }
      return (await switchTo('tensorflow')) ? { name, tfBackend: 'tensorflow' } : undefined;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm binaries are read from the package's dist/ folder as files.
      const dist = path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
      if (!wasmPathsSet) {
        wasm.setWasmPaths(`${dist}${path.sep}`);
        wasmPathsSet = true;
      }
      registerWasmKernels();
      if (!(await switchTo('wasm'))) return undefined;
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { name, tfBackend: 'wasm', simd, threads: wasm.getThreadsCount() };
    }
    case 'cpu': {
      await import('@tensorflow/tfjs-backend-cpu');
      registerCpuKernels();
      return (await switchTo('cpu')) ? { name, tfBackend: 'cpu' } : undefined;
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
