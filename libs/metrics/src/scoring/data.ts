import { InvalidInputError, type Fidelity } from '@fsnas/core';
import { BatchIterator, CIFAR_AUGMENTATION, NORMALIZATION, loadCifar10, type ArrayBatch, type ImageSet, type Normalization } from '@fsnas/data';

/**
 * Where metric batches come from. A source returns `count` batches of `batchSize` images drawn from
 * `seed`: the same seed gives the same images and augmentation, so every candidate of one split node
 * (and every architecture of one scoring run) sees the same data.
 */
export type BatchSource = (seed: number, count: number, batchSize: number) => ArrayBatch[];

export const METRIC_DATASETS = ['cifar10'] as const;
export type MetricDataset = (typeof METRIC_DATASETS)[number];

export function parseMetricDataset(value: string): MetricDataset {
  if ((METRIC_DATASETS as readonly string[]).includes(value)) return value as MetricDataset;
  throw new InvalidInputError(`metric dataset must be one of ${METRIC_DATASETS.join(', ')}, got '${value}'`);
}

let cifarTrain: ImageSet | undefined;

/** CIFAR-10 training images, loaded once per process (official binary if present, else the JPEG tar). */
function cifar10Train(): ImageSet {
  cifarTrain ??= loadCifar10({ quiet: true }).train;
  return cifarTrain;
}

/**
 * Training batches with the usual augmentation (random crop with 4-pixel padding + flip), as both
 * NASLib's zero-cost loader and the reference's metric loader use. The normalisation differs:
 * NASLib's loader uses the 0.4914/0.2470 constants, the reference (xautodl) the 125.3/63.0 ones.
 */
export function cifarBatchSource(dataset: MetricDataset, fidelity: Fidelity, set?: ImageSet): BatchSource {
  if (dataset !== 'cifar10') throw new InvalidInputError(`no batch source for '${String(dataset)}'`);
  const normalization: Normalization = fidelity === 'reference' ? NORMALIZATION.cifar10 : NORMALIZATION.cifar10Search;
  return (seed, count, batchSize) => {
    const it = new BatchIterator(set ?? cifar10Train(), { batchSize, seed, normalization, augment: CIFAR_AUGMENTATION, dropLast: true });
    return Array.from({ length: count }, () => it.nextArrays());
  };
}

/** Seeded Gaussian images (tests and benchmarks that must not depend on the data files). */
export function gaussianBatchSource(height = 32, width = 32, classes = 10): BatchSource {
  return (seed, count, batchSize) => {
    const out: ArrayBatch[] = [];
    let state = (seed >>> 0) + 1;
    const uniform = (): number => {
      // xorshift32: only needs to be deterministic and cheap; quality is irrelevant here.
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return (state + 0.5) / 4294967296;
    };
    for (let b = 0; b < count; b++) {
      const x = new Float32Array(batchSize * height * width * 3);
      for (let i = 0; i < x.length; i++) x[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      const y = Int32Array.from({ length: batchSize }, (_, i) => (i + b) % classes);
      out.push({ x, y, indices: Int32Array.from({ length: batchSize }, (_, i) => i), shape: [batchSize, height, width, 3] });
    }
    return out;
  };
}
