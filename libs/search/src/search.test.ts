import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from './checkpoint';
import { runSearch, type SearchHooks } from './search';
import { ALL_VARIANTS, randomData, tinyConfig, useWasm } from './testing';
import type { Fidelity } from '@fsnas/core';
import type { AlgoName } from './algorithms';
import { SearchModel } from './supernet';
import { batchOf, randomImages } from './testing';

const mask = Mask.fromRows([
  [1, 1, 0, 1, 1],
  [0, 1, 1, 0, 1],
  [1, 0, 0, 1, 0],
  [0, 1, 1, 1, 1],
  [1, 1, 0, 0, 1],
  [0, 0, 1, 1, 1],
]);
const data = randomData(64, 8, 5);
const quiet: Omit<SearchHooks, 'data'> = { progress: false, log: () => undefined, lookup: (arch) => arch.reduce<number>((s, op) => s + op, 0) };
let dir: string;

beforeAll(async () => {
  await useWasm();
  dir = mkdtempSync(join(tmpdir(), 'fsnas-search-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALL = ALL_VARIANTS.map(([a, f]) => [a, f] as [AlgoName, Fidelity]);

describe('runSearch', () => {
  it.each(ALL)('%s (%s): same seed ⇒ same run; another seed ⇒ another α', async (algo, fidelity) => {
    const config = tinyConfig(algo, mask, { epochs: 2 }, fidelity);
    const a = await runSearch(config, { data, ...quiet });
    const b = await runSearch(config, { data, ...quiet });
    expect(b.alpha).toEqual(a.alpha);
    expect(b.derived).toBe(a.derived);
    expect(b.epochs.map((e) => [e.trainLoss, e.validLoss, e.derived])).toEqual(a.epochs.map((e) => [e.trainLoss, e.validLoss, e.derived]));
    expect(a.epochs).toHaveLength(2);
    expect(a.epochs[1]?.accuracy).toBe(parseArch(a.derived).reduce<number>((s, op) => s + op, 0));
    const c = await runSearch({ ...config, seed: 2 }, { data, ...quiet });
    if (algo !== 'rsps') expect(c.alpha).not.toEqual(a.alpha);
    else expect(c.epochs[0]?.trainLoss).not.toBe(a.epochs[0]?.trainLoss);
  });

  it.each([
    ['snas', 'spec'],
    ['darts2', 'reference'],
    ['dsnas', 'reference'],
    ['rsps', 'spec'],
  ] as [AlgoName, Fidelity][])('%s (%s): resuming from a checkpoint gives the uninterrupted result', async (algo, fidelity) => {
    const config = tinyConfig(algo, mask, { epochs: 3 }, fidelity);
    const full = await runSearch(config, { data, ...quiet });
    const path = join(dir, `${algo}-${fidelity}.ckpt`);
    const first = await runSearch(config, { data, ...quiet, checkpointPath: path, stopAfterEpochs: 1 });
    expect(first.interrupted).toBe(true);
    expect(readCheckpoint(path)?.header.epochsDone).toBe(1);
    const resumed = await runSearch(config, { data, ...quiet, checkpointPath: path });
    expect(resumed.resumedEpochs).toBe(1);
    expect(resumed.alpha).toEqual(full.alpha);
    expect(resumed.derived).toBe(full.derived);
    expect(resumed.epochs.map((e) => [e.trainLoss, e.validLoss, e.derived])).toEqual(full.epochs.map((e) => [e.trainLoss, e.validLoss, e.derived]));
    // A different config refuses the checkpoint, naming what changed.
    await expect(runSearch({ ...config, seed: 9 }, { data, ...quiet, checkpointPath: path })).rejects.toThrow(new RegExp(`another search config \\(seed: ${config.seed} → 9\\)`));
  });

  it('leaks no tensors across steps and runs (every algorithm)', async () => {
    for (const [algo, fidelity] of ALL) await runSearch(tinyConfig(algo, mask, { epochs: 1, trainBatches: 1 }, fidelity), { data, ...quiet });
    const before = tf.memory().numTensors;
    for (const [algo, fidelity] of ALL) await runSearch(tinyConfig(algo, mask, { epochs: 2, trainBatches: 3 }, fidelity), { data, ...quiet });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('perturbation derivation returns an architecture of the mask', async () => {
    const r = await runSearch(tinyConfig('darts', mask, { epochs: 1, derivation: 'perturbation' }), { data, ...quiet });
    expect(mask.contains(r.arch)).toBe(true);
  });

  it('rejects --fidelity reference for gdas and rsps', async () => {
    await expect(runSearch(tinyConfig('gdas', mask, {}, 'reference'), { data, ...quiet })).rejects.toThrow(/reference exists for/);
  });
});

describe('single-path forward', () => {
  it('a single-path forward equals the one-hot-weighted forward of the whole sub-supernet', () => {
    const model = new SearchModel(mask, { C: 2, N: 1, classes: 10, affine: false }, 1, new Float32Array(30));
    const batch = batchOf(randomImages(8, 8, 3), 8);
    const path = parseArch('|avg_pool_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|nor_conv_3x3~0|skip_connect~1|nor_conv_1x1~2|');
    const oneHot = tf.tensor2d(
      Array.from({ length: 30 }, (_, i) => (path[Math.floor(i / 5)] === i % 5 ? 1 : 0)),
      [6, 5],
    );
    const single = tf.tidy(() => Array.from(model.logits(batch.x, { kind: 'path', path, weights: tf.ones([6, 5]) }, false).dataSync()));
    const mixed = tf.tidy(() => Array.from(model.logits(batch.x, { kind: 'mixed', weights: oneHot }, false).dataSync()));
    single.forEach((v, i) => expect(v).toBeCloseTo(mixed[i] as number, 4));
    expect(model.net.mask).toBe(model.builtMask);
    tf.dispose([oneHot, batch.x, batch.y]);
    model.dispose();
  });
});
