import { InvalidInputError, type Rng } from '@fsnas/core';
import type { ImageSet } from './image-set';

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1] (torchvision's Normalize). */
export interface Normalization {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

const per255 = (r: number, g: number, b: number): [number, number, number] => [r / 255, g / 255, b / 255];

/** The published constants (docs/reference.md §7). */
export const NORMALIZATION = {
  /** NB201 / the reference's pkg/lib for CIFAR-10. */
  cifar10: { mean: per255(125.3, 123.0, 113.9), std: per255(63.0, 62.1, 66.7) },
  /** The reference's one-shot search package (search_pkg) for CIFAR-10. */
  cifar10Search: { mean: [0.49139968, 0.48215827, 0.44653124], std: [0.24703233, 0.24348505, 0.26158768] },
  cifar100: { mean: per255(129.3, 124.1, 112.4), std: per255(68.2, 65.4, 70.4) },
  imagenet16: { mean: per255(122.68, 116.66, 104.01), std: per255(63.22, 61.26, 65.09) },
} as const satisfies Record<string, Normalization>;

/** Training augmentation: random crop of the original size from a zero-padded image, and a random horizontal flip. */
export interface Augmentation {
  /** Zero padding on each side before the crop: 4 for CIFAR, 2 for ImageNet16. */
  readonly pad: number;
  readonly flip: boolean;
}

export const CIFAR_AUGMENTATION: Augmentation = { pad: 4, flip: true };
export const IMAGENET16_AUGMENTATION: Augmentation = { pad: 2, flip: true };

/** One image's drawn augmentation: crop shift in [-pad, pad] on each axis, and whether to mirror. */
export interface AugmentDraw {
  readonly dy: number;
  readonly dx: number;
  readonly flip: boolean;
}

export const IDENTITY_DRAW: AugmentDraw = { dy: 0, dx: 0, flip: false };

/** Draws flip first, then the crop's top and left offsets, as torchvision's HFlip → RandomCrop does. */
export function drawAugmentation(rng: Rng, augmentation: Augmentation): AugmentDraw {
  const flip = augmentation.flip ? rng.uniform() < 0.5 : false;
  const span = 2 * augmentation.pad + 1;
  const dy = rng.int(span) - augmentation.pad;
  const dx = rng.int(span) - augmentation.pad;
  return { dy, dx, flip };
}

/** Precomputed per-channel affine map uint8 → normalised float: x·scale + shift. */
export interface ChannelAffine {
  readonly scale: Float32Array;
  readonly shift: Float32Array;
}

export function channelAffine(normalization: Normalization, channels: number): ChannelAffine {
  if (channels !== normalization.mean.length) {
    throw new InvalidInputError(`normalisation has ${normalization.mean.length} channels, images have ${channels}`);
  }
  const scale = new Float32Array(channels);
  const shift = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const std = normalization.std[c] as number;
    if (!(std > 0)) throw new InvalidInputError(`normalisation std[${c}] must be > 0, got ${std}`);
    scale[c] = 1 / (255 * std);
    shift[c] = -(normalization.mean[c] as number) / std;
  }
  return { scale, shift };
}

/**
 * Writes image `index` of `set`, flipped, shifted and normalised, as HWC float32 at `out[offset…]`,
 * in one pass. Pixels shifted in from outside the image are the zero padding, i.e. 0 before
 * normalisation (torchvision pads before ToTensor/Normalize), so they become -mean/std.
 */
export function writeAugmented(
  out: Float32Array,
  offset: number,
  set: ImageSet,
  index: number,
  affine: ChannelAffine,
  draw: AugmentDraw = IDENTITY_DRAW,
): void {
  const { height: h, width: w, channels: ch } = set;
  if (ch !== 3 || affine.scale.length !== 3) {
    throw new InvalidInputError(`writeAugmented: RGB images expected, got ${ch} channels`);
  }
  // Per row, the columns that land inside the image form one
  // range [x0, x1), so the bounds tests leave the inner loop and the channel constants live in locals.
  const src = set.images;
  const base = index * h * w * 3;
  const s0 = affine.scale[0] as number;
  const s1 = affine.scale[1] as number;
  const s2 = affine.scale[2] as number;
  const b0 = affine.shift[0] as number;
  const b1 = affine.shift[1] as number;
  const b2 = affine.shift[2] as number;
  const x0 = Math.max(0, -draw.dx);
  const x1 = Math.min(w, w - draw.dx);
  // Source column of output column x is cx = x + dx, mirrored when flipping; step ±3 bytes per pixel.
  const step = draw.flip ? -3 : 3;
  let o = offset;
  for (let y = 0; y < h; y++) {
    const sy = y + draw.dy;
    if (sy < 0 || sy >= h || x0 >= x1) {
      for (let x = 0; x < w; x++, o += 3) {
        out[o] = b0;
        out[o + 1] = b1;
        out[o + 2] = b2;
      }
      continue;
    }
    for (let x = 0; x < x0; x++, o += 3) {
      out[o] = b0;
      out[o + 1] = b1;
      out[o + 2] = b2;
    }
    const firstCol = draw.flip ? w - 1 - (x0 + draw.dx) : x0 + draw.dx;
    let s = base + (sy * w + firstCol) * 3;
    for (let x = x0; x < x1; x++, o += 3, s += step) {
      out[o] = (src[s] as number) * s0 + b0;
      out[o + 1] = (src[s + 1] as number) * s1 + b1;
      out[o + 2] = (src[s + 2] as number) * s2 + b2;
    }
    for (let x = x1; x < w; x++, o += 3) {
      out[o] = b0;
      out[o + 1] = b1;
      out[o + 2] = b2;
    }
  }
}
