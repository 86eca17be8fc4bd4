import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { InvalidInputError, Rng } from '@fsnas/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchIterator, makeBatch } from './batches';
import { type ImageSet, makeImageSet } from './image-set';
import { pattern } from './testing';
import { type AugmentDraw, CIFAR_AUGMENTATION, NORMALIZATION, type Normalization, channelAffine, drawAugmentation, writeAugmented } from './transforms';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function patternSet(n: number, h = 6, w = 5, classes = 10): ImageSet {
  const images = new Uint8Array(n * h * w * 3);
  for (let k = 0; k < n; k++) images.set(pattern(h, w, k), k * h * w * 3);
  return makeImageSet({ images, labels: Uint8Array.from({ length: n }, (_, k) => k % classes), height: h, width: w, channels: 3 });
}

/**
 * The torchvision pipeline written out step by step as an independent reference: horizontal flip,
 * zero-pad by `pad`, crop at (pad+dy, pad+dx), scale to [0,1], normalise.
 */
function reference(set: ImageSet, index: number, norm: Normalization, pad: number, draw: AugmentDraw): number[] {
  const { height: h, width: w } = set;
  const img = (y: number, x: number, c: number): number => set.images[index * h * w * 3 + (y * w + x) * 3 + c]!;
  const flipped = (y: number, x: number, c: number): number => (draw.flip ? img(y, w - 1 - x, c) : img(y, x, c));
  const padded = (y: number, x: number, c: number): number =>
    y < pad || y >= h + pad || x < pad || x >= w + pad ? 0 : flipped(y - pad, x - pad, c);
  const out: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) out.push((padded(y + pad + draw.dy, x + pad + draw.dx, c) / 255 - norm.mean[c]!) / norm.std[c]!);
    }
  }
  return out;
}

describe('normalisation constants', () => {
  it('are the published ones', () => {
    expect(NORMALIZATION.cifar10.mean.map((v) => v * 255)).toEqual([125.3, 123.0, 113.9].map((v) => expect.closeTo(v, 9)));
    expect(NORMALIZATION.cifar10.std.map((v) => v * 255)).toEqual([63.0, 62.1, 66.7].map((v) => expect.closeTo(v, 9)));
    expect(NORMALIZATION.cifar100.mean.map((v) => v * 255)).toEqual([129.3, 124.1, 112.4].map((v) => expect.closeTo(v, 9)));
    expect(NORMALIZATION.cifar100.std.map((v) => v * 255)).toEqual([68.2, 65.4, 70.4].map((v) => expect.closeTo(v, 9)));
    expect(NORMALIZATION.imagenet16.mean.map((v) => v * 255)).toEqual([122.68, 116.66, 104.01].map((v) => expect.closeTo(v, 9)));
    expect(NORMALIZATION.imagenet16.std.map((v) => v * 255)).toEqual([63.22, 61.26, 65.09].map((v) => expect.closeTo(v, 9)));
  });
});

describe('augmentation', () => {
  const set = patternSet(2);
  const norm = NORMALIZATION.cifar10;
  const affine = channelAffine(norm, 3);
  const cases: AugmentDraw[] = [
    { dy: 0, dx: 0, flip: false },
    { dy: 0, dx: 0, flip: true },
    { dy: 2, dx: -3, flip: false },
    { dy: -4, dx: 4, flip: true },
    { dy: 4, dx: 1, flip: true },
  ];
  for (const draw of cases) {
    it(`crop/flip/normalise in one pass matches the step-by-step reference for ${JSON.stringify(draw)}`, () => {
      const out = new Float32Array(6 * 5 * 3 + 7);
      writeAugmented(out, 7, set, 1, affine, draw);
      const expected = reference(set, 1, norm, 4, draw);
      [...out.subarray(7)].forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    });
  }

  it('padding pixels are zero before normalisation (-mean/std)', () => {
    const out = new Float32Array(6 * 5 * 3);
    writeAugmented(out, 0, set, 0, affine, { dy: -4, dx: 0, flip: false });
    [0, 1, 2].forEach((c) => expect(out[c]).toBeCloseTo(-norm.mean[c]! / norm.std[c]!, 6));
  });

  it('draws shifts uniformly in [-pad, pad] and flips about half the time, reproducibly', () => {
    const rng = new Rng(5);
    const draws = Array.from({ length: 9000 }, () => drawAugmentation(rng, CIFAR_AUGMENTATION));
    const dxs = new Set(draws.map((d) => d.dx));
    expect([...dxs].sort((a, b) => a - b)).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect(Math.min(...draws.map((d) => d.dy))).toBe(-4);
    expect(Math.max(...draws.map((d) => d.dy))).toBe(4);
    const flips = draws.filter((d) => d.flip).length / draws.length;
    expect(flips).toBeGreaterThan(0.47);
    expect(flips).toBeLessThan(0.53);
    const again = new Rng(5);
    expect(Array.from({ length: 50 }, () => drawAugmentation(again, CIFAR_AUGMENTATION))).toEqual(draws.slice(0, 50));
    expect(drawAugmentation(new Rng(1), { pad: 0, flip: false })).toEqual({ dy: 0, dx: 0, flip: false });
  });
});

describe('batches', () => {
  it('makeBatch without augmentation is the test transform', () => {
    const set = patternSet(4);
    const b = makeBatch(set, [3, 0], { normalization: NORMALIZATION.cifar100 });
    expect(b.shape).toEqual([2, 6, 5, 3]);
    expect([...b.y]).toEqual([3, 0]);
    const expected = reference(set, 3, NORMALIZATION.cifar100, 4, { dy: 0, dx: 0, flip: false });
    [...b.x.subarray(0, 90)].forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    expect(() => makeBatch(set, [0], { normalization: NORMALIZATION.cifar10, augment: CIFAR_AUGMENTATION })).toThrow(InvalidInputError);
    expect(() => makeBatch(set, [4], { normalization: NORMALIZATION.cifar10 })).toThrow(InvalidInputError);
  });

  it('each epoch visits every image once in a seeded order, with a short last batch, then restarts', () => {
    const set = patternSet(10);
    const it1 = new BatchIterator(set, { batchSize: 4, seed: 7, normalization: NORMALIZATION.cifar10 });
    expect(it1.batchesPerEpoch).toBe(3);
    const epoch = (it: BatchIterator): number[][] => Array.from({ length: 3 }, () => [...it.nextArrays().indices]);
    const e1 = epoch(it1);
    expect(e1.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(e1.flat().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(it1.epoch).toBe(1);
    const e2 = epoch(it1);
    expect(it1.epoch).toBe(2);
    expect(e2.flat().sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(e2).not.toEqual(e1);
    const same = new BatchIterator(set, { batchSize: 4, seed: 7, normalization: NORMALIZATION.cifar10 });
    expect(epoch(same)).toEqual(e1);
    const other = new BatchIterator(set, { batchSize: 4, seed: 8, normalization: NORMALIZATION.cifar10 });
    expect(epoch(other)).not.toEqual(e1);
  });

  it('dropLast and shuffle=false behave as in PyTorch', () => {
    const set = patternSet(10);
    const it = new BatchIterator(set, { batchSize: 4, seed: 1, normalization: NORMALIZATION.cifar10, shuffle: false, dropLast: true });
    expect(it.batchesPerEpoch).toBe(2);
    expect([...it.nextArrays().indices]).toEqual([0, 1, 2, 3]);
    expect([...it.nextArrays().indices]).toEqual([4, 5, 6, 7]);
    expect([...it.nextArrays().indices]).toEqual([0, 1, 2, 3]);
    expect(() => new BatchIterator(set, { batchSize: 0, seed: 1, normalization: NORMALIZATION.cifar10 })).toThrow(InvalidInputError);
  });

  it('augmentation does not change the order of images, and is reproducible', () => {
    const set = patternSet(12);
    const base = { batchSize: 5, seed: 3, normalization: NORMALIZATION.cifar10 };
    const plain = new BatchIterator(set, base);
    const aug = new BatchIterator(set, { ...base, augment: CIFAR_AUGMENTATION });
    const aug2 = new BatchIterator(set, { ...base, augment: CIFAR_AUGMENTATION });
    for (let k = 0; k < 4; k++) {
      const a = aug.nextArrays();
      expect([...a.indices]).toEqual([...plain.nextArrays().indices]);
      expect(aug2.nextArrays().x).toEqual(a.x);
    }
  });

  it('yields NHWC float32 and int32 tensors, and leaks none once disposed', () => {
    const set = patternSet(9, 32, 32);
    const it = new BatchIterator(set, { batchSize: 4, seed: 2, normalization: NORMALIZATION.cifar10, augment: CIFAR_AUGMENTATION });
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      const { x, y } = it.next();
      expect(x.shape).toEqual([k % 3 === 2 ? 1 : 4, 32, 32, 3]);
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      expect(y.shape).toEqual([x.shape[0]]);
      x.dispose();
      y.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
