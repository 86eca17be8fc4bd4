import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError, Rng, dataDirs } from '@fsnas/core';
import { Mask, parseArch } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { countParameters, countParametersOf } from './count';
import { parameterGradients } from './grads';
import { NB201Network } from './network';
import { Sgd, crossEntropy } from './optim';

const BEST = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

function images(b: number, h: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: b * h * h * 3 }, () => rng.normal()), [b, h, h, 3]);
}

function labels(b: number, classes: number): tf.Tensor1D {
  return tf.tensor1d(Array.from({ length: b }, (_, i) => i % classes), 'int32');
}

describe('parameter counts', () => {
  it('supernet C=16 N=5, 10 classes: 1,699,546 params, 188 Conv/Linear tensors with 1,685,552 weights', () => {
    expect(countParameters(Mask.full())).toEqual({ total: 1_699_546, weightTensors: 188, weights: 1_685_552 });
    expect(countParametersOf('supernet', { classes: 100 }).weights).toBe(1_685_552 + 5_760);
    expect(countParametersOf('supernet', { classes: 120 }).weights).toBe(1_685_552 + 7_040);
  });

  it('the built supernet holds exactly the analytic count, every weight tensor divisible by 16', async () => {
    await initBackend({ backend: 'cpu', log: false });
    const net = new NB201Network(Mask.full());
    try {
      expect(net.numParams()).toBe(1_699_546);
      const w = net.weights();
      expect(w).toHaveLength(188);
      expect(w.reduce((n, v) => n + v.size, 0)).toBe(1_685_552);
      for (const v of w) expect(v.size % 16).toBe(0);
    } finally {
      net.dispose();
    }
  });

  const csv = dataDirs()
    .map((d) => join(d, 'nb201', 'zero_cost_naslib_cifar10_even.csv'))
    .find((p) => existsSync(p));
  it.skipIf(!csv)('every architecture of zero_cost_naslib_cifar10_even.csv has NAS-Bench-201 params exactly', async () => {
    const lines = readFileSync(csv as string, 'utf8').trim().split('\n');
    const header = (lines[0] as string).split(',');
    const archCol = header.indexOf('arch_str');
    const paramsCol = header.indexOf('params');
    expect(archCol).toBe(1);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(4726);
    const mismatches: string[] = [];
    for (const r of rows) {
      const arch = r[archCol] as string;
      const expected = Math.round(Number(r[paramsCol]) * 1e6);
      const got = countParameters(parseArch(arch)).total;
      if (got !== expected) mismatches.push(`${arch}: ${got} vs ${expected}`);
    }
    expect(mismatches).toEqual([]);
    // The built networks agree with the analytic count (a sample: building all takes minutes).
    await initBackend({ backend: 'cpu', log: false });
    for (const r of rows.filter((_, i) => i % 400 === 0)) {
      const net = new NB201Network(parseArch(r[archCol] as string));
      expect(net.numParams()).toBe(Math.round(Number(r[paramsCol]) * 1e6));
      net.dispose();
    }
  });
});

describe('forward semantics', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm', log: false });
  });

  it('a masked supernet equals the full supernet with uniform weights on the allowed ops', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const cfg = { C: 4, N: 1, classes: 5 };
    const mask = Mask.fromRows([
      [1, 1, 0, 1, 0],
      [0, 0, 1, 1, 1],
      [1, 0, 0, 0, 0],
      [0, 1, 0, 0, 0],
      [1, 1, 1, 1, 1],
      [0, 0, 0, 1, 0],
    ]);
    const full = new NB201Network(Mask.full(), { ...cfg, seed: 3, init: 'kaiming_normal_fanout' });
    const sub = new NB201Network(mask, cfg);
    sub.copyFrom(full);
    const x = images(3, 8, 1);
    for (const training of [false, true]) {
      const [a, b] = tf.tidy(() => {
        const weights = tf.tensor2d(mask.toRows().map((row) => row.map((v) => v / row.reduce((s, u) => s + u, 0))));
        return [
          sub.forward(x, { training, updateStats: false }).logits.dataSync() as Float32Array,
          full.forward(x, { training, updateStats: false, edgeWeights: weights }).logits.dataSync() as Float32Array,
        ];
      });
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 4);
    }
    tf.dispose([x]);
    full.dispose();
    sub.dispose();
  });

  it('a single-architecture network equals the supernet with one-hot edge weights', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const cfg = { C: 4, N: 2, classes: 10 };
    const arch = parseArch(BEST);
    const full = new NB201Network(Mask.full(), { ...cfg, seed: 9 });
    const single = new NB201Network(arch, cfg);
    single.copyFrom(full);
    expect(single.numParams()).toBe(countParameters(arch, cfg).total);
    const x = images(2, 8, 2);
    const [a, b] = tf.tidy(() => {
      const oneHot = tf.cast(tf.oneHot(tf.tensor1d([...arch], 'int32'), 5), 'float32') as tf.Tensor2D;
      return [
        single.forward(x, { training: false }).logits.dataSync() as Float32Array,
        full.forward(x, { training: false, edgeWeights: oneHot }).logits.dataSync() as Float32Array,
      ];
    });
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i] as number, 4);
    tf.dispose(x);
    full.dispose();
    single.dispose();
  });

  it('a per-call mask computes what the network built for that mask computes, and leaves the own mask alone', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const cfg = { C: 4, N: 1, classes: 10 };
    const full = new NB201Network(Mask.full(), { ...cfg, seed: 5 });
    const narrowed = Mask.full().restrict(0, [0, 3]).restrict(2, [1, 2, 4]).restrict(5, [3]);
    const sub = new NB201Network(narrowed, cfg);
    sub.copyFrom(full);
    const x = images(2, 8, 4);
    const weights = tf.tensor2d(Array.from({ length: 30 }, (_, i) => 0.1 + (i % 7) / 10), [6, 5]);
    for (const [training, checkpoint] of [[false, false], [true, false], [true, true]] as const) {
      const [a, b] = tf.tidy(() => [
        sub.forward(x, { training, updateStats: false, edgeWeights: weights }).logits.dataSync() as Float32Array,
        full.forward(x, { training, checkpoint, updateStats: false, edgeWeights: weights, mask: narrowed }).logits.dataSync() as Float32Array,
      ]);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
    expect(full.mask.size).toBe(15625);
    expect(() => sub.forward(x, { training: false, mask: Mask.full() })).toThrow(InvalidInputError);
    expect(() => sub.forward(x, { training: false, mask: Mask.full() })).toThrow(/not a subset of the network's mask .*\(edge 0\)/);
    tf.dispose([x, weights]);
    full.dispose();
    sub.dispose();
  });

  it('gradients reach edge weights, and an all-`none` cell path still gives finite logits', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const net = new NB201Network(Mask.full(), { C: 4, N: 1, classes: 3 });
    const x = images(2, 8, 4);
    const alpha = tf.variable(tf.zeros([6, 5]));
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, { training: true, edgeWeights: tf.softmax(alpha) as tf.Tensor2D }).logits, labels(2, 3)), [alpha]);
    const g = grads[alpha.name] as tf.Tensor;
    expect(g.shape).toEqual([6, 5]);
    expect(Math.abs(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0] as number))).toBeGreaterThan(0);
    tf.dispose([value, g, x, alpha]);
    net.dispose();
    const allNone = new NB201Network(parseArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'), { C: 4, N: 1, classes: 3 });
    const logits = tf.tidy(() => allNone.forward(images(2, 8, 5), { training: false }).logits.dataSync() as Float32Array);
    for (const v of logits) expect(Number.isFinite(v)).toBe(true);
    allNone.dispose();
  });

  it('BN: train mode moves running stats by momentum 0.1 (unbiased var), eval mode uses them', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const net = new NB201Network(parseArch(BEST), { C: 4, N: 1, classes: 3 });
    const x = images(4, 8, 6);
    const stemMean = net.params.get('stem.bn.running_mean');
    tf.tidy(() => net.forward(x, { training: true }));
    const conv = tf.tidy(() => tf.conv2d(x, net.params.get('stem.conv') as tf.Tensor4D, 1, 'same'));
    const expected = tf.tidy(() => tf.mul(tf.mean(conv, [0, 1, 2]), 0.1).dataSync() as Float32Array);
    const got = stemMean.dataSync() as Float32Array;
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i] as number, 5);
    const before = tf.tidy(() => net.forward(x, { training: false }).logits.dataSync() as Float32Array);
    const again = tf.tidy(() => net.forward(x, { training: false }).logits.dataSync() as Float32Array);
    expect(Array.from(again)).toEqual(Array.from(before));
    tf.dispose([x, conv]);
    net.dispose();
  });
});

describe('gradients', () => {
  it('match central finite differences (cpu, C=2, N=1, 8×8) in eval and train mode', async () => {
    await initBackend({ backend: 'cpu', log: false });
    const net = new NB201Network(Mask.full(), { C: 2, N: 1, classes: 4, seed: 5 });
    const x = images(3, 8, 7);
    const y = labels(3, 4);
    const vars = net.params.variables();
    const rng = new Rng(17);
    for (const training of [false, true]) {
      const loss = (): tf.Scalar => crossEntropy(net.forward(x, { training, updateStats: false }).logits, y);
      const { value, grads } = tf.variableGrads(loss, vars);
      // Directional derivative along a random unit direction over all parameters.
      const raw = vars.map((v) => Float32Array.from({ length: v.size }, () => rng.normal()));
      const norm = Math.sqrt(raw.reduce((s, r) => s + r.reduce((a, b) => a + b * b, 0), 0));
      const dirs = vars.map((v, i) => tf.tensor((raw[i] as Float32Array).map((u) => u / norm), v.shape));
      const analytic = tf.tidy(() => tf.addN(vars.map((v, i) => tf.sum(tf.mul(grads[v.name] as tf.Tensor, dirs[i] as tf.Tensor)))).dataSync()[0] as number);
      // The eval-mode directional derivative is small (~3e-3): with eps 1e-3, lp − lm is ~50 float32 ulps of the
      // loss and the quotient carries ~2 % rounding noise; 5e-3 keeps it below 1 % (the network is smooth enough).
      const eps = 5e-3;
      const shift = (s: number): void => {
        vars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(dirs[i] as tf.Tensor, s)))));
      };
      shift(eps);
      const lp = tf.tidy(() => loss().dataSync()[0] as number);
      shift(-2 * eps);
      const lm = tf.tidy(() => loss().dataSync()[0] as number);
      shift(eps);
      const numeric = (lp - lm) / (2 * eps);
      expect(Math.abs(numeric - analytic) / Math.max(1e-3, Math.abs(analytic))).toBeLessThan(2e-2);
      tf.dispose([value, ...Object.values(grads), ...dirs]);
    }
    tf.dispose([x, y]);
    net.dispose();
  });

  it('wasm and cpu agree on logits and every parameter gradient of the same network', async () => {
    const run = async (backend: 'wasm' | 'cpu'): Promise<Float32Array[]> => {
      await initBackend({ backend, log: false });
      const net = new NB201Network(Mask.full(), { C: 4, N: 1, classes: 5, seed: 11 });
      const x = images(4, 8, 8);
      const y = labels(4, 5);
      const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, { training: true }).logits, y), net.params.variables());
      const out = [value.dataSync() as Float32Array, ...net.params.variables().map((v) => (grads[v.name] as tf.Tensor).dataSync() as Float32Array)];
      tf.dispose([value, ...Object.values(grads), x, y]);
      net.dispose();
      return out;
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(wasm.length).toBe(cpu.length);
    let worst = 0;
    cpu.forEach((c, i) => {
      const w = wasm[i] as Float32Array;
      let num = 0;
      let den = 0;
      for (let j = 0; j < c.length; j++) {
        num = Math.max(num, Math.abs((w[j] as number) - (c[j] as number)));
        den = Math.max(den, Math.abs(c[j] as number));
      }
      // Some BN β gradients are exactly 0 in theory (a shift before a train-mode BN cancels) and
      // ~1e-9 in float32, so the error is relative to max(|grad|, 1e-4).
      worst = Math.max(worst, num / Math.max(den, 1e-4));
    });
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('gradient extraction', () => {
  it('returns the Conv/Linear weight gradients in module order', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const net = new NB201Network(Mask.full(), { C: 4, N: 1, classes: 5 });
    const x = images(2, 8, 13);
    const y = labels(2, 5);
    const g = parameterGradients(net, () => crossEntropy(net.forward(x, { training: false }).logits, y), { weightsOnly: true });
    expect(g.entries.map((e) => e.entry.name)).toEqual(net.params.weightEntries().map((e) => e.name));
    expect(g.entries[0]?.entry.name).toBe('stem.conv');
    expect(g.entries[g.entries.length - 1]?.entry.name).toBe('classifier.weight');
    for (const { entry, grad } of g.entries) expect(grad.shape).toEqual(entry.variable.shape);
    tf.dispose([...g.entries.map((e) => e.grad), x, y]);
    net.dispose();
  });
});

describe('checkpointing', () => {
  it('gives the same loss, parameter and edge-weight gradients, and BN statistics as the plain pass', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const run = (checkpoint: boolean): Float32Array[] => {
      const net = new NB201Network(Mask.full(), { C: 4, N: 2, classes: 5, seed: 21 });
      const x = images(4, 8, 12);
      const y = labels(4, 5);
      const alpha = tf.variable(tf.tensor2d(Array.from({ length: 30 }, (_, i) => Math.sin(i)), [6, 5]));
      const vars = [...net.params.variables(), alpha];
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(net.forward(x, { training: true, checkpoint, edgeWeights: tf.softmax(alpha) as tf.Tensor2D }).logits, y),
        vars,
      );
      const out = [value.dataSync() as Float32Array, ...vars.map((v) => (grads[v.name] as tf.Tensor).dataSync() as Float32Array)];
      out.push(...net.params.bufferEntries().map((b) => b.variable.dataSync() as Float32Array));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y, alpha]);
      net.dispose();
      return out;
    };
    const plain = run(false);
    const ckpt = run(true);
    plain.forEach((p, i) => {
      const c = ckpt[i] as Float32Array;
      for (let j = 0; j < p.length; j++) expect(c[j]).toBeCloseTo(p[j] as number, 5);
    });
  });
});

describe('training step hygiene', () => {
  it('SGD steps leak no tensors and lower the loss on a fixed batch', async () => {
    await initBackend({ backend: 'wasm', log: false });
    const net = new NB201Network(parseArch(BEST), { C: 4, N: 1, classes: 3 });
    const opt = new Sgd({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    const x = images(8, 8, 9);
    const y = labels(8, 3);
    const losses: number[] = [];
    let tensors = -1;
    for (let step = 0; step < 6; step++) {
      const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, { training: true }).logits, y), net.params.variables());
      opt.step(net.params.variables(), grads);
      losses.push(value.dataSync()[0] as number);
      tf.dispose([value, ...Object.values(grads)]);
      if (step === 1) tensors = tf.memory().numTensors;
      if (step > 1) expect(tf.memory().numTensors).toBe(tensors);
    }
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] as number);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
  });
});
