import { Rng, fidelityToken, type Fidelity } from '@fsnas/core';
import { makeBatch, makeImageSet, toTensors, type ImageSet } from '@fsnas/data';
import type { Mask } from '@fsnas/nb201';
import { initBackend } from '@fsnas/nn';
import type { SearchConfig } from './config';
import { PAPER_HYPERPARAMETERS } from './config';
import type { SearchData } from './data';
import type { Batch } from './supernet';
import { ALGORITHMS, REFERENCE_VARIANTS, algorithmOptions, type AlgoName, type AlgorithmOverrides } from './algorithms';

/** Helpers for this library's tests (not exported from the index). */

export const TEST_NORMALIZATION = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } as const;

/** The pure-JS reference backend (gradient checks). */
export async function useCpu(): Promise<void> {
  await initBackend({ backend: 'cpu', log: false });
}

/** The fast npm backend (wasm, single thread: deterministic) for the search-loop tests. */
export async function useWasm(): Promise<void> {
  await initBackend({ backend: 'wasm', log: false });
}

/** `n` random uint8 images side×side×3 with random labels 0..classes-1. */
export function randomImages(n: number, side: number, seed: number, classes = 10): ImageSet {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * side * side * 3);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) labels[i] = rng.int(classes);
  return makeImageSet({ images, labels, height: side, width: side, channels: 3 });
}

export function randomData(n: number, side: number, seed: number): SearchData {
  return { train: randomImages(n, side, seed), valid: randomImages(n, side, seed + 1), normalization: TEST_NORMALIZATION, augment: false };
}

/** A fixed batch of the first `n` images (no augmentation). */
export function batchOf(set: ImageSet, n: number): Batch {
  return toTensors(makeBatch(set, Array.from({ length: n }, (_, i) => i), { normalization: TEST_NORMALIZATION }));
}

/** Tiny searches score few sampled architectures. */
const TINY_ALGORITHM_OPTIONS: AlgorithmOverrides = { rsps: { archs: 4 } };

export function tinyConfig(algo: AlgoName, mask: Mask, over: Partial<SearchConfig> = {}, fidelity: Fidelity = 'published'): SearchConfig {
  return {
    algo,
    compat: fidelityToken('search', fidelity),
    mask: mask.toRows(),
    seed: 1,
    net: { C: 2, N: 1, classes: 10 },
    epochs: 3,
    batchSize: 8,
    trainBatches: 2,
    validBatches: 1,
    ...PAPER_HYPERPARAMETERS,
    algorithm: algorithmOptions(algo, TINY_ALGORITHM_OPTIONS),
    derivation: 'argmax',
    selectionBatches: 1,
    ...over,
  };
}

/** Every search variant: each algorithm as its paper defines it, and the reference code's variants. */
export const ALL_VARIANTS: readonly (readonly [AlgoName, Fidelity])[] = [...ALGORITHMS.map((a) => [a, 'published'] as const), ...REFERENCE_VARIANTS.map((a) => [a, 'reference'] as const)];
