import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError, Rng } from '@fsnas/core';
import type { ImageSet } from './image-set';
import { type Augmentation, type ChannelAffine, type Normalization, channelAffine, drawAugmentation, writeAugmented } from './transforms';

/** A batch as plain arrays: `x` is NHWC float32 [B, H, W, C], `y` the int32 labels [B]. */
export interface ArrayBatch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  /** Indices into the source set, in batch order. */
  readonly indices: Int32Array;
  readonly shape: readonly [number, number, number, number];
}

/** A batch as tensors (NHWC, as the networks take them). The caller disposes both. */
export interface TensorBatch {
  readonly x: tf.Tensor4D;
  readonly y: tf.Tensor1D;
}

export interface BatchOptions {
  readonly normalization: Normalization;
  /** Training augmentation, or false for the test transform (normalise only). Default: false. */
  readonly augment?: Augmentation | false;
}

/**
 * Builds one batch from the given images. `rng` draws the augmentation and is required when
 * augmenting, so every random choice is seeded.
 */
export function makeBatch(set: ImageSet, indices: ArrayLike<number>, options: BatchOptions, rng?: Rng, affine?: ChannelAffine): ArrayBatch {
  const augment = options.augment ?? false;
  if (augment && !rng) throw new InvalidInputError('makeBatch: augmentation needs an Rng');
  const map = affine ?? channelAffine(options.normalization, set.channels);
  const size = set.height * set.width * set.channels;
  const b = indices.length;
  const x = new Float32Array(b * size);
  const y = new Int32Array(b);
  const idx = new Int32Array(b);
  for (let k = 0; k < b; k++) {
    const i = indices[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= set.n) throw new InvalidInputError(`makeBatch: index ${i} is outside 0..${set.n - 1}`);
    idx[k] = i;
    y[k] = set.labels[i] as number;
    writeAugmented(x, k * size, set, i, map, augment && rng ? drawAugmentation(rng, augment) : undefined);
  }
  return { x, y, indices: idx, shape: [b, set.height, set.width, set.channels] };
}

export function toTensors(batch: ArrayBatch): TensorBatch {
  return { x: tf.tensor4d(batch.x, [...batch.shape], 'float32'), y: tf.tensor1d(batch.y, 'int32') };
}

export interface BatchIteratorOptions extends BatchOptions {
  readonly batchSize: number;
  readonly seed: number;
  /** Reshuffle the order at every epoch (default true); false walks the set in index order. */
  readonly shuffle?: boolean;
  /** Drop the last incomplete batch of an epoch (default false, as PyTorch's DataLoader). */
  readonly dropLast?: boolean;
}

/**
 * Endless seeded mini-batches over an ImageSet: each epoch is a fresh seeded permutation, walked in
 * batches; when it runs out, the next epoch starts. Order and augmentation use separate streams
 * derived from `seed`, so turning augmentation on or off does not change which images are drawn.
 */
export class BatchIterator {
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private readonly orderRng: Rng;
  private readonly augmentRng: Rng;
  private readonly affine: ChannelAffine;
  private order = new Int32Array(0);
  private position = 0;
  private epochsStarted = 0;

  constructor(
    readonly set: ImageSet,
    private readonly options: BatchIteratorOptions,
  ) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new InvalidInputError(`BatchIterator: batchSize must be a positive integer, got ${batchSize}`);
    if (set.n === 0) throw new InvalidInputError('BatchIterator: the image set is empty');
    if (options.dropLast && batchSize > set.n) {
      throw new InvalidInputError(`BatchIterator: batchSize ${batchSize} exceeds the ${set.n} images and dropLast is set`);
    }
    this.batchSize = batchSize;
    this.batchesPerEpoch = options.dropLast ? Math.floor(set.n / batchSize) : Math.ceil(set.n / batchSize);
    const root = new Rng(options.seed);
    this.orderRng = root.fork();
    this.augmentRng = root.fork();
    this.affine = channelAffine(options.normalization, set.channels);
  }

  /** Epochs begun so far (1 during the first epoch). */
  get epoch(): number {
    return this.epochsStarted;
  }

  private startEpoch(): void {
    const order = Array.from({ length: this.set.n }, (_, i) => i);
    if (this.options.shuffle ?? true) this.orderRng.shuffle(order);
    this.order = Int32Array.from(order);
    this.position = 0;
    this.epochsStarted++;
  }

  /** The next batch as arrays (tests, custom pipelines). */
  nextArrays(): ArrayBatch {
    const remaining = this.order.length - this.position;
    if (this.epochsStarted === 0 || remaining === 0 || (this.options.dropLast && remaining < this.batchSize)) this.startEpoch();
    const end = Math.min(this.order.length, this.position + this.batchSize);
    const indices = this.order.subarray(this.position, end);
    this.position = end;
    return makeBatch(this.set, indices, this.options, this.augmentRng, this.affine);
  }

  /** The next batch as NHWC float32 [B,H,W,C] and int32 [B] tensors; the caller disposes them. */
  next(): TensorBatch {
    return toTensors(this.nextArrays());
  }
}
