import { InvalidInputError, Rng } from '@fsnas/core';
import { type ImageSet, selectImages } from './image-set';

/**
 * Train/valid splits and labelled subsets. Each returns the chosen indices into the parent set (for
 * recording in a run) together with the selected images, so a split can be logged and reproduced.
 */

export interface Split {
  readonly train: ImageSet;
  readonly valid: ImageSet;
  readonly trainIndices: Int32Array;
  readonly validIndices: Int32Array;
}

function splitAt(set: ImageSet, order: Int32Array, at: number): Split {
  const trainIndices = order.slice(0, at);
  const validIndices = order.slice(at);
  return { train: selectImages(set, trainIndices), valid: selectImages(set, validIndices), trainIndices, validIndices };
}

/**
 * NB201-style halves of the training set: a seeded permutation, the first ⌊n/2⌋ images train and the
 * rest validate (25k/25k for CIFAR). NB201 itself ships a fixed list (`cifar-split.txt`); this is the
 * seeded equivalent, since that file is not part of the official dataset. Each half keeps sorted
 * indices so that images stay in dataset order inside it.
 */
export function randomHalves(set: ImageSet, seed: number): Split {
  const order = Int32Array.from(new Rng(seed).shuffle(Array.from({ length: set.n }, (_, i) => i)));
  const at = Math.floor(set.n / 2);
  order.subarray(0, at).sort();
  order.subarray(at).sort();
  return splitAt(set, order, at);
}

/**
 * The one-shot search split (docs/reference.md §5.2): indices [0, ⌊fraction·n⌋) train, the rest
 * validate, by index order. Note that for the JPEG tar the index order is sorted-path order, not the
 * official binary order, so the halves hold different images than the reference's.
 */
export function indexOrderSplit(set: ImageSet, fraction = 0.5): Split {
  if (!(fraction > 0 && fraction < 1)) throw new InvalidInputError(`indexOrderSplit: fraction must be in (0, 1), got ${fraction}`);
  return splitAt(set, Int32Array.from({ length: set.n }, (_, i) => i), Math.floor(fraction * set.n));
}

/**
 * A class-balanced labelled subset of `n` images (the mini-batches the metrics score on): n / classes
 * images per class, the remainder going one each to the lowest class ids. Chosen by `seed`, returned
 * in ascending index order. Fails if a class has too few images.
 */
export function balancedSubset(set: ImageSet, n: number, seed: number): { set: ImageSet; indices: Int32Array } {
  if (!Number.isInteger(n) || n <= 0 || n > set.n) {
    throw new InvalidInputError(`subset: n must be an integer in 1..${set.n}, got ${n}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < set.n; i++) {
    const label = set.labels[i] as number;
    const list = byClass.get(label);
    if (list) list.push(i);
    else byClass.set(label, [i]);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const base = Math.floor(n / classes.length);
  const extra = n - base * classes.length;
  const rng = new Rng(seed);
  const chosen: number[] = [];
  classes.forEach((label, rank) => {
    const members = byClass.get(label) as number[];
    const want = base + (rank < extra ? 1 : 0);
    if (want > members.length) {
      throw new InvalidInputError(`subset: class ${label} has ${members.length} images, ${want} needed for a balanced subset of ${n}`);
    }
    for (const k of rng.sample(members.length, want)) chosen.push(members[k] as number);
  });
  const indices = Int32Array.from(chosen).sort();
  return { set: selectImages(set, indices), indices };
}

/** Short name used in the design notes: `subset(set, n, seed)`. */
export const subset = balancedSubset;
