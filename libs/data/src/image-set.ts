import { InvalidInputError } from '@fsnas/core';

/**
 * A labelled set of equally sized images held as one uint8 buffer in HWC order (N×H×W×C), the
 * layout the NHWC networks consume, so a batch is a contiguous slice per image.
 */
export interface ImageSet {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  /** CIFAR-100 only: the 20 superclass labels, aligned with `labels`. */
  readonly coarseLabels?: Uint8Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** A dataset with its official train and test parts; `classes[i]` names label i. */
export interface Dataset {
  readonly name: string;
  readonly train: ImageSet;
  readonly test: ImageSet;
  readonly classes: readonly string[];
  /** CIFAR-100 only: names of the coarse labels. */
  readonly coarseClasses?: readonly string[];
  /** Where the pixels came from, e.g. `binary:/path/cifar-10-batches-bin` or `jpeg-tar:/path/x.tar (cache)`. */
  readonly source: string;
}

export function imageSize(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** Builds an ImageSet after checking that the buffers agree with the shape. */
export function makeImageSet(parts: {
  images: Uint8Array;
  labels: Uint8Array;
  coarseLabels?: Uint8Array;
  height: number;
  width: number;
  channels: number;
}): ImageSet {
  const { images, labels, coarseLabels, height, width, channels } = parts;
  const n = labels.length;
  if (images.length !== n * height * width * channels) {
    throw new InvalidInputError(
      `ImageSet: ${images.length} pixel bytes do not hold ${n} images of ${height}x${width}x${channels}`,
    );
  }
  if (coarseLabels && coarseLabels.length !== n) {
    throw new InvalidInputError(`ImageSet: ${coarseLabels.length} coarse labels for ${n} images`);
  }
  return coarseLabels
    ? { images, labels, coarseLabels, n, height, width, channels }
    : { images, labels, n, height, width, channels };
}

/** A new ImageSet holding copies of the given images, in the given order. */
export function selectImages(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageSize(set);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  const coarse = set.coarseLabels ? new Uint8Array(indices.length) : undefined;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= set.n) {
      throw new InvalidInputError(`selectImages: index ${i} is outside 0..${set.n - 1}`);
    }
    images.set(set.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = set.labels[i] as number;
    if (coarse && set.coarseLabels) coarse[k] = set.coarseLabels[i] as number;
  }
  return makeImageSet({ images, labels, coarseLabels: coarse, height: set.height, width: set.width, channels: set.channels });
}

/** Number of images of each label 0..numClasses-1. */
export function classCounts(set: ImageSet, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < set.n; i++) {
    const label = set.labels[i] as number;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}
