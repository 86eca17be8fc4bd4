import { Benchmark } from '@fsnas/benchmark';
import type { Dataset } from '@fsnas/data';
import { loadPaperSplits, type PaperSplits } from '@fsnas/nb201';
import type { BackendInfo } from '@fsnas/nn';
import { createSplitStore, defaultSplitCacheDir, type SplitStore } from '@fsnas/splitting';

/**
 * What a finding's runs read besides their config: the benchmark tables, the splits, the images and
 * the compute backend. Whoever runs findings (reproduce, a worker process, a test) builds one and
 * passes it into every `execute`, so each is loaded at most once per context and nothing is held in
 * a module: a test can hand in its own, and two contexts never share state.
 */
export interface RunInputs {
  /** NATS-Bench tables (no HW-NAS columns), loaded on first use (about a second). */
  benchmark(): Benchmark;
  /** The paper's published masks: dataset -> metric -> leaves. */
  paperSplits(): PaperSplits;
  /** Every split source's leaves: the paper's, split files, and the splits stage's cached trees. */
  splits(): SplitStore;
  /** CIFAR-10 images, loaded on first use. */
  cifar10(): Promise<Dataset>;
  /** The TF.js backend, started on first use (quietly: the command printed its engine line). */
  backend(): Promise<BackendInfo>;
}

/** Each getter computes its value once per context. */
function once<T>(load: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: load() }).v;
}

/**
 * The inputs of the data folder (FSNAS_DATA_DIR, ./data, ../shared/data). The images and the backend
 * pull in TF.js, so their libraries are imported only when a run asks for them: a context for the
 * table look-up findings stays light.
 */
export function createRunInputs(env: NodeJS.ProcessEnv = process.env): RunInputs {
  return {
    benchmark: once(() => Benchmark.load({ hw: false, env })),
    paperSplits: once(() => loadPaperSplits(env)),
    splits: once(() => createSplitStore(defaultSplitCacheDir(env), env)),
    cifar10: once(async () => (await import('@fsnas/data')).loadCifar10({ env })),
    backend: once(async () => (await import('@fsnas/nn')).initBackend({ log: false })),
  };
}
