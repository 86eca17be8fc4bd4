import { Mask, formatArch, parseArch, type OpId } from '@fsnas/nb201';
import { buildNetwork, tf, type NB201Network } from '@fsnas/nn';
import { makeBatch, makeImageSet, type ImageSet } from '@fsnas/data';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fidelity } from '@fsnas/core';
import { algorithmOptions, type AlgoName } from './algorithms';
import { runSearch } from './search';
import { ALL_VARIANTS, TEST_NORMALIZATION, randomImages, tinyConfig, useWasm } from './testing';

/**
 * A task whose best op is known by construction: labels are the argmax of a random *teacher* network
 * (a single architecture A*), and the searched sub-supernet fixes every edge to A* except edge 4
 * (3<-1), where the 4 ops other than `none` are allowed (`none` is left out because it has no output
 * whose effect a single-path estimator could measure: GDAS/DSNAS then drift towards it by default). The student starts from the teacher's weights, so on edge 4 the
 * teacher's op reproduces the labels and every other op does not: each algorithm must derive A*.
 */
const TEACHER = parseArch('|nor_conv_3x3~0|+|skip_connect~0|nor_conv_1x1~1|+|avg_pool_3x3~0|nor_conv_3x3~1|skip_connect~2|');
const EDGE = 4;
const mask = Mask.fromBits(TEACHER.map((op, e) => (e === EDGE ? 0b11110 : 1 << op)));
let teacher: NB201Network;
let data: { train: ImageSet; valid: ImageSet };

function labelled(set: ImageSet): ImageSet {
  const b = makeBatch(set, Array.from({ length: set.n }, (_, i) => i), { normalization: TEST_NORMALIZATION });
  const labels = tf.tidy(() => {
    const x = tf.tensor4d(b.x, [...b.shape]);
    return Uint8Array.from(tf.argMax(teacher.forward(x, { training: true, updateStats: false }).logits, 1).dataSync());
  });
  return makeImageSet({ images: set.images, labels, height: set.height, width: set.width, channels: 3 });
}

beforeAll(async () => {
  await useWasm();
  teacher = buildNetwork(TEACHER, { C: 4, N: 1, classes: 10, affine: false, seed: 7 });
  // Sharper teacher logits: its labels are then far from what a wrong op produces.
  const w = teacher.params.get('classifier.weight');
  tf.tidy(() => w.assign(tf.mul(w, 4)));
  data = { train: labelled(randomImages(256, 8, 101)), valid: labelled(randomImages(256, 8, 102)) };
});

// The reference DARTS-2nd overwrites α with the hypergradient (docs/reference.md §9.12), so it has no stable derivation to check here.
const CASES = ALL_VARIANTS.filter(([a, c]) => !(a === 'darts2' && c === 'reference')).map(([a, f]) => [a, f] as [AlgoName, Fidelity]);

describe('synthetic task with a known best op (edge 4 = nor_conv_3x3)', () => {
  it.each(CASES)('%s (%s) derives the teacher architecture', async (algo, fidelity) => {
    const config = tinyConfig(algo, mask, { net: { C: 4, N: 1, classes: 10 }, epochs: 3, trainBatches: algo === 'gdas' ? 32 : 8, validBatches: 2, batchSize: 32, lr: 0.002, lrMin: 0.001, archLr: 0.02, algorithm: algorithmOptions(algo, { rsps: { archs: 5 } }), selectionBatches: 2 }, fidelity);
    const result = await runSearch(config, {
      data: { ...data, normalization: TEST_NORMALIZATION, augment: false },
      initWeights: (net) => net.copyFrom(teacher),
      progress: false,
      log: () => undefined,
    });
    const row = result.alpha.slice(EDGE * 5, EDGE * 5 + 5).map((a) => a.toFixed(3));
    expect(result.derived, `α row ${EDGE}: ${row.join(' ')}`).toBe(formatArch(TEACHER));
    expect(result.arch[EDGE]).toBe(3 as OpId);
  });
});

describe('synthetic task with a hardware term that makes the teacher op on edge 4 dear', () => {
  // Every op of edge 4 but skip_connect (op 1) costs 100: a strong enough term must flip the derived op
  // from the teacher's nor_conv_3x3 (what the test above derives without it) to skip_connect.
  const dearConvs = Array.from({ length: 6 }, (_, e) => Array.from({ length: 5 }, (_, op) => (e === EDGE && op !== 1 ? 100 : 0)));
  it.each(['darts', 'snas', 'gdas'] as const)('%s derives skip_connect on edge 4 instead', async (algo) => {
    const config = tinyConfig(algo, mask, { net: { C: 4, N: 1, classes: 10 }, epochs: 3, trainBatches: algo === 'gdas' ? 32 : 8, validBatches: 2, batchSize: 32, lr: 0.002, lrMin: 0.001, archLr: 0.02, selectionBatches: 2, hardware: { device: 'synthetic', intercept: 0, weights: dearConvs, lambda: 10 } });
    const result = await runSearch(config, { data: { ...data, normalization: TEST_NORMALIZATION, augment: false }, initWeights: (net) => net.copyFrom(teacher), progress: false, log: () => undefined });
    const row = result.alpha.slice(EDGE * 5, EDGE * 5 + 5).map((a) => a.toFixed(3));
    expect(result.arch[EDGE], `α row ${EDGE}: ${row.join(' ')}`).toBe(1 as OpId);
  });
});

