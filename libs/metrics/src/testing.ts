import type { Fidelity } from '@fsnas/core';
import { toTensors, type TensorBatch } from '@fsnas/data';
import type { Mask } from '@fsnas/nb201';
import { NB201Network, initBackend, type NetConfig } from '@fsnas/nn';
import { gaussianBatchSource } from './scoring/data';
import type { NetworkInput } from './scoring/types';

/** Tiny networks and batches for unit tests: C=4, N=1 on 8×8 images run in milliseconds. */
export const TINY: Partial<NetConfig> = { C: 4, N: 1 };

export async function useTestBackend(): Promise<void> {
  await initBackend({ backend: 'wasm', log: false });
}

export function tinyBatches(batchSize = 8, count = 1, seed = 1, size = 8): TensorBatch[] {
  return gaussianBatchSource(size, size)(seed, count, batchSize).map(toTensors);
}

export function tinyInput(mask: Mask, fidelity: Fidelity = 'published', batches = tinyBatches(), seed = 0, config: Partial<NetConfig> = TINY): NetworkInput {
  return { net: new NB201Network(mask, { ...config, seed }), batches, fidelity, seed, memo: new Map() };
}
