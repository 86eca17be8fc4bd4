import { InvalidInputError } from '@fsnas/core';
import { CIFAR_AUGMENTATION, NORMALIZATION, balancedSubset, indexOrderSplit, makeImageSet, randomHalves, type Augmentation, type Dataset, type ImageSet, type Normalization } from '@fsnas/data';

/** The two halves a search trains on, with their transforms. */
export interface SearchData {
  readonly train: ImageSet;
  readonly valid: ImageSet;
  readonly normalization: Normalization;
  /** Applied to both halves (the reference augments the "valid" half too, docs/reference.md §9.14). */
  readonly augment: Augmentation | false;
}

/**
 * The search data of a budget: a 50/50 split of the training set, optionally a class-balanced subset
 * of `imagesPerHalf` images of each half (seed 0), optionally average-pooled to a smaller side.
 *
 * The split is the reference's index-order split (docs/reference.md §5.2) when the images come from the official binary
 * release, whose order is the reference's. The JPEG-tar source is ordered by class folder, so its index
 * order would put classes 0–4 in the train half and 5–9 in the valid half; it gets seeded random halves
 * (seed 0) instead.
 */
export function searchData(dataset: Dataset, opts: { imageSize: number; imagesPerHalf: number | null }): SearchData {
  const split = dataset.source.startsWith('binary:') ? indexOrderSplit(dataset.train, 0.5) : randomHalves(dataset.train, 0);
  const take = (set: ImageSet): ImageSet => {
    const n = opts.imagesPerHalf === null ? set.n : Math.min(set.n, opts.imagesPerHalf);
    const limited = n === set.n ? set : balancedSubset(set, n, 0).set;
    return downsample(limited, opts.imageSize);
  };
  const factor = dataset.train.height / opts.imageSize;
  const augment: Augmentation = { ...CIFAR_AUGMENTATION, pad: Math.max(1, Math.round(CIFAR_AUGMENTATION.pad / factor)) };
  return { train: take(split.train), valid: take(split.valid), normalization: NORMALIZATION.cifar10Search, augment };
}

/** Average-pool k×k (k = height/side) so a 32×32 set becomes side×side; identity when already that size. */
export function downsample(set: ImageSet, side: number): ImageSet {
  if (set.height === side && set.width === side) return set;
  const k = set.height / side;
  if (!Number.isInteger(k) || set.width / side !== k) throw new InvalidInputError(`cannot pool ${set.height}×${set.width} images to ${side}×${side}`);
  const c = set.channels;
  const out = new Uint8Array(set.n * side * side * c);
  for (let i = 0; i < set.n; i++) {
    const src = i * set.height * set.width * c;
    const dst = i * side * side * c;
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += set.images[src + ((y * k + dy) * set.width + (x * k + dx)) * c + ch] as number;
          out[dst + (y * side + x) * c + ch] = Math.round(s / (k * k));
        }
  }
  return makeImageSet({ images: out, labels: set.labels, height: side, width: side, channels: c });
}
