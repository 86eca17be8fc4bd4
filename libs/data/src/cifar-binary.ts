import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptDataError, InvalidInputError } from '@fsnas/core';
import { type ImageSet, makeImageSet } from './image-set';

/**
 * Readers for the official "binary version" of CIFAR-10 and CIFAR-100
 * (https://www.cs.toronto.edu/~kriz/cifar.html): fixed-size records of label byte(s) followed by
 * 3,072 pixel bytes stored channel-planar (1,024 R, then G, then B, each row-major 32×32).
 */

const SIDE = 32;
const PIXELS = SIDE * SIDE * 3;

/** Official CIFAR-10 label order (batches.meta.txt); also the alphabetical order of the folder names. */
export const CIFAR10_CLASSES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

/** CIFAR-100 fine labels in official order (fine_label_names.txt: alphabetical). */
export const CIFAR100_CLASSES: readonly string[] = [
  'apple', 'aquarium_fish', 'baby', 'bear', 'beaver', 'bed', 'bee', 'beetle', 'bicycle', 'bottle',
  'bowl', 'boy', 'bridge', 'bus', 'butterfly', 'camel', 'can', 'castle', 'caterpillar', 'cattle',
  'chair', 'chimpanzee', 'clock', 'cloud', 'cockroach', 'couch', 'crab', 'crocodile', 'cup', 'dinosaur',
  'dolphin', 'elephant', 'flatfish', 'forest', 'fox', 'girl', 'hamster', 'house', 'kangaroo', 'keyboard',
  'lamp', 'lawn_mower', 'leopard', 'lion', 'lizard', 'lobster', 'man', 'maple_tree', 'motorcycle', 'mountain',
  'mouse', 'mushroom', 'oak_tree', 'orange', 'orchid', 'otter', 'palm_tree', 'pear', 'pickup_truck', 'pine_tree',
  'plain', 'plate', 'poppy', 'porcupine', 'possum', 'rabbit', 'raccoon', 'ray', 'road', 'rocket',
  'rose', 'sea', 'seal', 'shark', 'shrew', 'skunk', 'skyscraper', 'snail', 'snake', 'spider',
  'squirrel', 'streetcar', 'sunflower', 'sweet_pepper', 'table', 'tank', 'telephone', 'television', 'tiger', 'tractor',
  'train', 'trout', 'tulip', 'turtle', 'wardrobe', 'whale', 'willow_tree', 'wolf', 'woman', 'worm',
];

/** CIFAR-100 coarse labels in official order (coarse_label_names.txt). */
export const CIFAR100_COARSE_CLASSES: readonly string[] = [
  'aquatic_mammals', 'fish', 'flowers', 'food_containers', 'fruit_and_vegetables',
  'household_electrical_devices', 'household_furniture', 'insects', 'large_carnivores',
  'large_man-made_outdoor_things', 'large_natural_outdoor_scenes', 'large_omnivores_and_herbivores',
  'medium_mammals', 'non-insect_invertebrates', 'people', 'reptiles', 'small_mammals', 'trees',
  'vehicles_1', 'vehicles_2',
];

export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR100_TRAIN_FILE = 'train.bin';
export const CIFAR100_TEST_FILE = 'test.bin';

interface RecordFormat {
  /** Bytes before the pixels: 1 (CIFAR-10 label) or 2 (CIFAR-100 coarse, fine). */
  readonly labelBytes: 1 | 2;
  /** Exclusive upper bound of each label byte, in record order. */
  readonly labelLimits: readonly number[];
}

const CIFAR10_FORMAT: RecordFormat = { labelBytes: 1, labelLimits: [10] };
const CIFAR100_FORMAT: RecordFormat = { labelBytes: 2, labelLimits: [20, 100] };

/**
 * Decodes the records of several files into one HWC ImageSet. Every file is checked first: a length
 * that is not a whole number of records (a truncated copy, or a CIFAR-100 file given as CIFAR-10) or a
 * label outside the class range stops with a CorruptDataError naming the file and record.
 */
function readRecordFiles(paths: readonly string[], format: RecordFormat): ImageSet {
  const recordSize = format.labelBytes + PIXELS;
  const contents = paths.map((path) => {
    const bytes = readFileSync(path);
    if (bytes.length === 0 || bytes.length % recordSize !== 0) {
      throw new CorruptDataError(
        path,
        '',
        `file length ${bytes.length} is not a positive multiple of the ${recordSize}-byte record ` +
          `(${format.labelBytes} label byte(s) + ${PIXELS} pixels); truncated or not this format`,
      );
    }
    return { path, bytes };
  });
  const n = contents.reduce((sum, c) => sum + c.bytes.length / recordSize, 0);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  const coarse = format.labelBytes === 2 ? new Uint8Array(n) : undefined;
  const plane = SIDE * SIDE;
  let k = 0;
  for (const { path, bytes } of contents) {
    const records = bytes.length / recordSize;
    for (let r = 0; r < records; r++, k++) {
      const base = r * recordSize;
      for (let b = 0; b < format.labelBytes; b++) {
        const value = bytes[base + b] as number;
        const limit = format.labelLimits[b] as number;
        if (value >= limit) {
          const what = format.labelBytes === 2 ? (b === 0 ? 'coarse label' : 'fine label') : 'label';
          throw new CorruptDataError(path, `record ${r}`, `${what} ${value} is outside 0..${limit - 1}`);
        }
      }
      if (coarse) {
        coarse[k] = bytes[base] as number;
        labels[k] = bytes[base + 1] as number;
      } else {
        labels[k] = bytes[base] as number;
      }
      // Channel-planar (CHW) to interleaved (HWC), through per-plane views so the loop only indexes.
      const src = base + format.labelBytes;
      const red = bytes.subarray(src, src + plane);
      const green = bytes.subarray(src + plane, src + 2 * plane);
      const blue = bytes.subarray(src + 2 * plane, src + 3 * plane);
      const out = images.subarray(k * PIXELS, (k + 1) * PIXELS);
      for (let p = 0, q = 0; p < plane; p++, q += 3) {
        out[q] = red[p] as number;
        out[q + 1] = green[p] as number;
        out[q + 2] = blue[p] as number;
      }
    }
  }
  return makeImageSet({ images, labels, coarseLabels: coarse, height: SIDE, width: SIDE, channels: 3 });
}

/** Class names from a label-names text file (one per line) if the folder has it, else the built-in list. */
function labelNames(dir: string, file: string, fallback: readonly string[]): readonly string[] {
  const path = join(dir, file);
  if (!existsSync(path)) return fallback;
  const names = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== fallback.length) {
    throw new CorruptDataError(path, '', `expected ${fallback.length} class names, found ${names.length}`);
  }
  return names;
}

function requireFile(dir: string, name: string): string {
  const path = join(dir, name);
  if (!existsSync(path)) {
    throw new CorruptDataError(path, '', `missing: the folder ${dir} should hold ${name} (official binary layout)`);
  }
  return path;
}

export interface BinaryParts {
  readonly train: ImageSet;
  readonly test: ImageSet;
  readonly classes: readonly string[];
  readonly coarseClasses?: readonly string[];
}

/** CIFAR-10 from `cifar-10-batches-bin/`: data_batch_1..5.bin (50,000) + test_batch.bin (10,000). */
export function readCifar10Binary(dir: string): BinaryParts {
  const train = readRecordFiles(CIFAR10_TRAIN_FILES.map((f) => requireFile(dir, f)), CIFAR10_FORMAT);
  const test = readRecordFiles([requireFile(dir, CIFAR10_TEST_FILE)], CIFAR10_FORMAT);
  return { train, test, classes: labelNames(dir, 'batches.meta.txt', CIFAR10_CLASSES) };
}

/** CIFAR-100 from `cifar-100-binary/`: train.bin (50,000) + test.bin (10,000); labels are the fine labels. */
export function readCifar100Binary(dir: string): BinaryParts {
  const train = readRecordFiles([requireFile(dir, CIFAR100_TRAIN_FILE)], CIFAR100_FORMAT);
  const test = readRecordFiles([requireFile(dir, CIFAR100_TEST_FILE)], CIFAR100_FORMAT);
  return {
    train,
    test,
    classes: labelNames(dir, 'fine_label_names.txt', CIFAR100_CLASSES),
    coarseClasses: labelNames(dir, 'coarse_label_names.txt', CIFAR100_COARSE_CLASSES),
  };
}

/** Encodes images in the official record format (used by tests and by anyone exporting a subset). */
export function encodeCifarRecords(set: ImageSet): Uint8Array {
  if (set.height !== SIDE || set.width !== SIDE || set.channels !== 3) {
    throw new InvalidInputError(`CIFAR records hold 32x32x3 images, got ${set.height}x${set.width}x${set.channels}`);
  }
  const labelBytes = set.coarseLabels ? 2 : 1;
  const recordSize = labelBytes + PIXELS;
  const out = new Uint8Array(set.n * recordSize);
  const plane = SIDE * SIDE;
  for (let k = 0; k < set.n; k++) {
    const base = k * recordSize;
    if (set.coarseLabels) {
      out[base] = set.coarseLabels[k] as number;
      out[base + 1] = set.labels[k] as number;
    } else {
      out[base] = set.labels[k] as number;
    }
    const src = k * PIXELS;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) out[base + labelBytes + c * plane + p] = set.images[src + 3 * p + c] as number;
    }
  }
  return out;
}
