import { Rng } from '@fsnas/core';
import { NB201Network, tf } from '@fsnas/nn';
import type { MetricValue, NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';

/** Crops per network in the default (TE-NAS) mode. */
export const TENAS_SAMPLES = 1000;

/**
 * linear_regions (TE-NAS, Chen et al. 2021): the number of distinct ReLU activation patterns that
 * a set of inputs produces, i.e. how many linear pieces of the network they fall into.
 *
 * Default (TE-NAS): a thin network with the same mask (C=1, N=1, same seed), train-mode BN, on 1000
 * random-resized 3×3 crops of the batch images, one random channel copied to all three.
 *
 * Reference mode (docs/reference.md §9.4): the candidate's own C=16/N=5 network on one 3×3 crop per batch image
 * (16 by default), after ToPILImage on the normalised tensor (×255 and a wrapping byte cast).
 * With ~20k ReLUs, 16 crops give 16 distinct patterns for every network, hence all ties. ReLUs of
 * removed ops are not recorded; they duplicate the pattern of a node another op already reads or add
 * columns, which can only make patterns more distinct — already all distinct.
 */
export function linearRegions(input: NetworkInput): MetricValue {
  const rng = new Rng(input.seed ^ 0x11e4);
  const images = input.batches.map((b) => b.x);
  if (input.fidelity === 'reference') {
    const n = images.reduce((s, x) => s + (x.shape[0] as number), 0);
    return { value: countPatterns(input.net, crops(images, n, rng, true)) };
  }
  const thin = new NB201Network(input.net.mask, { ...input.net.config, C: 1, N: 1, seed: input.seed });
  try {
    return { value: countPatterns(thin, crops(images, TENAS_SAMPLES, rng, false)) };
  } finally {
    thin.dispose();
  }
}

/** Distinct sign patterns over every ReLU of one forward (train-mode BN) of `x`. */
export function countPatterns(net: NB201Network, x: tf.Tensor4D): number {
  const n = x.shape[0];
  const codes: string[] = new Array<string>(n).fill('');
  tf.tidy(() => {
    net.forward(x, {
      training: true,
      updateStats: false,
      onRelu: (_name, y) => {
        const v = tf.reshape(y, [n, -1]).dataSync();
        const d = v.length / n;
        for (let i = 0; i < n; i++) {
          let s = '';
          for (let k = 0; k < d; k += 16) {
            let bits = 0;
            for (let j = 0; j < 16 && k + j < d; j++) if ((v[i * d + k + j] as number) > 0) bits |= 1 << j;
            s += String.fromCharCode(bits + 0x20);
          }
          codes[i] += s;
        }
      },
    });
  });
  x.dispose();
  return new Set(codes).size;
}

/** `n` random-resized 3×3 crops (scale 0.08–1, ratio 3/4–4/3), one random channel broadcast to RGB. */
function crops(images: readonly tf.Tensor4D[], n: number, rng: Rng, byteWrap: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const all = tf.concat([...images], 0) as tf.Tensor4D;
    const count = all.shape[0];
    const boxes: number[][] = [];
    const index: number[] = [];
    for (let i = 0; i < n; i++) {
      const area = 0.08 + rng.uniform() * 0.92;
      const ratio = Math.exp(Math.log(3 / 4) + rng.uniform() * (Math.log(4 / 3) - Math.log(3 / 4)));
      const bh = Math.min(1, Math.sqrt(area / ratio));
      const bw = Math.min(1, Math.sqrt(area * ratio));
      const y0 = rng.uniform() * (1 - bh);
      const x0 = rng.uniform() * (1 - bw);
      boxes.push([y0, x0, y0 + bh, x0 + bw]);
      index.push(i % count);
    }
    let source = all;
    if (byteWrap) {
      // ToPILImage: ×255, byte cast (truncation, wrapping modulo 256), then ToTensor: ÷255.
      const t = tf.mul(tf.sign(all), tf.floor(tf.abs(tf.mul(all, 255))));
      source = tf.div(tf.mod(tf.add(tf.mod(t, 256), 256), 256), 255) as tf.Tensor4D;
    }
    const cropped = tf.image.cropAndResize(source, tf.tensor2d(boxes), tf.tensor1d(index, 'int32'), [3, 3]);
    const channel = tf.tensor1d(Array.from({ length: n }, () => rng.int(3)), 'int32');
    const mask = tf.reshape(tf.oneHot(channel, 3), [n, 1, 1, 3]);
    const single = tf.sum(tf.mul(cropped, mask), 3, true);
    return tf.tile(single, [1, 1, 1, 3]) as tf.Tensor4D;
  });
}

export const linearRegionsMetric = defineMetric({
  name: 'linear_regions',
  aliases: ['linearregions', 'lr'],
  description: 'TE-NAS: distinct ReLU patterns over 3×3 crops',
  higherIsBetter: true,
  usesReference: true,
  // TE-NAS: a thin C=1, N=1 network on 1000 3×3 crops; reference: the network on one crop per image.
  cost: (c) => (c.fidelity === 'reference' ? c.forward(c.batch, { imageSize: 3 }) : c.forward(TENAS_SAMPLES, { config: { ...c.config, C: 1, N: 1 }, imageSize: 3 })),
  evaluation: { kind: 'network', compute: linearRegions },
});
