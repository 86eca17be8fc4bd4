import { InvalidInputError, Rng } from '@fsnas/core';
import { Mask, parseArch } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';
import { NB201Network, type ForwardOptions } from './network';
import { maxRelError } from './testing';

// The per-call options of NB201Network.forward that the metrics use: BN mode, parameter overrides, hooks.
const TINY = { C: 4, N: 1 } as const;
const MASKS = [
  Mask.full(),
  Mask.single(parseArch('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|')),
  Mask.full().restrict(0, [0, 3]).restrict(4, [1, 4]),
];

function images(b: number, h: number, seed: number): tf.Tensor4D {
  const rng = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: b * h * h * 3 }, () => rng.normal()), [b, h, h, 3]);
}

function logits(net: NB201Network, x: tf.Tensor4D, options: ForwardOptions): Float32Array {
  return tf.tidy(() => net.forward(x, options).logits.dataSync() as Float32Array);
}

/** A network whose running statistics are not the init's (0, 1), so that eval-mode checks see them. */
function trainedStats(mask: Mask, seed: number, x: tf.Tensor4D): NB201Network {
  const net = new NB201Network(mask, { ...TINY, seed });
  tf.tidy(() => net.forward(x, { training: true }));
  return net;
}

describe('NB201Network.forward options', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: false });
  });

  it.each(MASKS.map((m) => [m.toString(), m] as const))('%s: hooks that change nothing leave the logits as the plain forward gives them', (_, mask) => {
    const x = images(3, 8, 1);
    const net = trainedStats(mask, 2, x);
    const noop: ForwardOptions = { training: true, onLayerOutput: (_n, y) => y, onRelu: () => undefined, onBnInput: () => undefined, onBackbone: (y) => y, param: (n) => net.params.get(n) };
    for (const training of [true, false]) {
      const plain = logits(net, x, { training, updateStats: false });
      const hooked = logits(net, x, { ...noop, training, updateStats: false });
      // Batch mode runs the same ops; running mode applies BN after the conv instead of folding it into the filter.
      if (training) expect(hooked).toEqual(plain);
      else expect(maxRelError(hooked, plain)).toBeLessThan(1e-5);
    }
    net.dispose();
    x.dispose();
  });

  it.each(MASKS.map((m) => [m.toString(), m] as const))('%s: param overrides give the network whose variables hold those values', (_, mask) => {
    const x = images(3, 8, 4);
    const own = new NB201Network(mask, { ...TINY, seed: 5 });
    const other = trainedStats(mask, 6, x);
    for (const training of [true, false]) {
      const expected = logits(other, x, { training, updateStats: false });
      const overridden = logits(own, x, { training, param: (n) => other.params.get(n) });
      if (training) expect(overridden).toEqual(expected);
      else expect(maxRelError(overridden, expected)).toBeLessThan(1e-5);
      expect(maxRelError(logits(own, x, { training, updateStats: false }), expected)).toBeGreaterThan(1e-2);
    }
    own.dispose();
    other.dispose();
    x.dispose();
  });

  it('param overrides are differentiable: the gradient with respect to an override is the one with respect to the variable', () => {
    const mask = MASKS[1] as Mask;
    const net = new NB201Network(mask, { ...TINY, seed: 7 });
    const x = images(2, 8, 8);
    const entries = net.params.weightEntries();
    const viaVariables = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(net.forward(x, { training: true, updateStats: false }).logits), entries.map((e) => e.variable));
      return entries.map((e) => grads[e.variable.name]?.dataSync() as Float32Array);
    });
    const viaOverrides = tf.tidy(() => {
      const grads = tf.grads((...ws: tf.Tensor[]) => {
        const byName = new Map(entries.map((e, i) => [e.name, ws[i] as tf.Tensor]));
        return tf.sum(net.forward(x, { training: true, param: (n) => byName.get(n) ?? net.params.get(n) }).logits);
      })(entries.map((e) => e.variable.clone()));
      return grads.map((g) => g.dataSync() as Float32Array);
    });
    viaOverrides.forEach((g, i) => expect(g).toEqual(viaVariables[i]));
    net.dispose();
    x.dispose();
  });

  it("bn 'identity' is running-mode BN with mean 0, variance 1 − ε, γ 1, β 0", () => {
    const mask = MASKS[0] as Mask;
    const x = images(2, 8, 9);
    const net = trainedStats(mask, 10, x);
    const neutral = (n: string): tf.Tensor => {
      const v = net.params.get(n);
      if (n.endsWith('.running_mean') || n.endsWith('.bn.bias')) return tf.zerosLike(v);
      if (n.endsWith('.running_var')) return tf.fill(v.shape, 1 - 1e-5);
      if (n.endsWith('.bn.weight')) return tf.onesLike(v);
      return v;
    };
    const identity = logits(net, x, { training: false, bn: 'identity' });
    expect(maxRelError(identity, logits(net, x, { training: false, param: neutral }))).toBeLessThan(1e-5);
    expect(maxRelError(identity, logits(net, x, { training: false }))).toBeGreaterThan(1e-2);
    net.dispose();
    x.dispose();
  });

  it('onLayerOutput sees every Conv/Linear output once, in module order, and the pass continues with what it returns', () => {
    const mask = MASKS[2] as Mask;
    const net = new NB201Network(mask, { ...TINY, seed: 11 });
    const x = images(2, 8, 12);
    const seen: string[] = [];
    const doubledClassifier = logits(net, x, {
      training: true,
      updateStats: false,
      onLayerOutput: (name, y) => {
        seen.push(name);
        return name === 'classifier.weight' ? tf.mul(y, 2) : y;
      },
    });
    expect(seen).toEqual(net.params.weightEntries().map((e) => e.name));
    const plain = logits(net, x, { training: true, updateStats: false });
    expect(doubledClassifier).toEqual(plain.map((v) => 2 * v));
    net.dispose();
    x.dispose();
  });

  it('onRelu visits every ReLU module: one per conv op, two per reduction block, and the last one', () => {
    const mask = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'));
    const net = new NB201Network(mask, { ...TINY, seed: 0 });
    const x = images(2, 8, 13);
    const names: string[] = [];
    logits(net, x, { training: true, updateStats: false, onRelu: (name) => names.push(name) });
    // 3 conv ops × 3 cells (N=1) + 2 blocks × 2 + lastact
    expect(names).toHaveLength(3 * 3 + 4 + 1);
    expect(new Set(names).size).toBe(names.length);
    expect(names.at(-1)).toBe('lastact.relu');
    net.dispose();
    x.dispose();
  });

  it('onBnInput sees every BN once (also with BN removed), preGap pools to the features', () => {
    const net = new NB201Network(MASKS[1] as Mask, { ...TINY, seed: 14 });
    const x = images(2, 8, 15);
    for (const bn of ['batch', 'running', 'identity'] as const) {
      const prefixes: string[] = [];
      tf.tidy(() => {
        const out = net.forward(x, { training: false, bn, updateStats: false, onBnInput: (prefix) => prefixes.push(prefix) });
        expect(out.preGap.shape).toEqual([2, 2, 2, 4 * TINY.C]);
        expect(tf.mean(out.preGap, [1, 2]).dataSync()).toEqual(out.features.dataSync());
      });
      expect(prefixes).toEqual(net.params.bufferEntries().filter((b) => b.name.endsWith('.running_mean')).map((b) => b.name.replace(/\.running_mean$/, '')));
    }
    net.dispose();
    x.dispose();
  });

  it('onBackbone rescales stem, block and cell outputs: with BN removed (every op homogeneous) the logits scale by 2 per call', () => {
    const net = new NB201Network(MASKS[0] as Mask, { ...TINY, seed: 16 });
    const x = images(2, 8, 17);
    let calls = 0;
    const scaled = logits(net, x, {
      training: false,
      bn: 'identity',
      onBackbone: (y) => {
        calls++;
        return tf.mul(y, 2);
      },
    });
    // stem + 2 reduction blocks + 3 stages × N cells; the classifier bias is 0 at init.
    expect(calls).toBe(3 + 3 * TINY.N);
    const plain = logits(net, x, { training: false, bn: 'identity' });
    expect(maxRelError(scaled, plain.map((v) => v * 2 ** calls))).toBeLessThan(1e-6);
    net.dispose();
    x.dispose();
  });

  it('refuses checkpointing together with hooks or overrides', () => {
    const net = new NB201Network(MASKS[1] as Mask, { ...TINY, seed: 18 });
    const x = images(2, 8, 19);
    expect(() => tf.tidy(() => net.forward(x, { training: true, checkpoint: true, onRelu: () => undefined }))).toThrow(InvalidInputError);
    net.dispose();
    x.dispose();
  });
});
