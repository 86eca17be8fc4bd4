import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { NB201Network, tf } from '@fsnas/nn';
import { complementMask, logSynflow, synflow } from './synflow';
import { TINY, tinyInput, useTestBackend } from '../testing';

/** Direct float32 synflow without rescaling (fine while nothing overflows). */
function directSynflow(net: NB201Network, size: number): number {
  return tf.tidy(() => {
    const entries = net.params.weightEntries();
    const abs = entries.map((e) => tf.abs(e.variable));
    const names = entries.map((e) => e.name);
    const { grads } = tf.valueAndGrads((...ws: tf.Tensor[]) => {
      const byName = new Map(names.map((n, i) => [n, ws[i] as tf.Tensor]));
      return tf.sum(net.forward(tf.ones([1, size, size, 3]), { training: false, bn: 'identity', param: (n) => byName.get(n) ?? tf.abs(net.params.get(n)) }).logits) as tf.Scalar;
    })(abs);
    let s = 0;
    grads.forEach((g, i) => g.dataSync().forEach((v, k) => (s += Math.abs(v * ((abs[i] as tf.Tensor).dataSync()[k] as number)))));
    return s;
  });
}

describe('synflow', () => {
  beforeAll(useTestBackend);
  const arch = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));

  it('log-space value with per-cell rescaling equals ln of the direct float32 sum on a small network', () => {
    const net = new NB201Network(arch, { ...TINY, seed: 2 });
    const direct = directSynflow(net, 8);
    const { logSum, zero } = logSynflow(net, [8, 8], 'identity');
    expect(zero).toBe(false);
    expect(logSum).toBeCloseTo(Math.log(direct), 4);
    net.dispose();
  });

  it('stays finite on the C=16, N=5 network where float32 overflows (ln synflow > ln 3.4e38 ≈ 88.7)', () => {
    const deep = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|'));
    const net = new NB201Network(deep, { seed: 0 });
    const { logSum } = logSynflow(net, [32, 32], 'identity');
    expect(Number.isFinite(logSum)).toBe(true);
    expect(logSum).toBeGreaterThan(88.8);
    net.dispose();
  });

  it('a network with no input-output path scores 0, flagged (NASLib returns 0 there)', () => {
    const none = Mask.single(parseArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'));
    const input = tinyInput(none);
    expect(synflow(input)).toEqual({ value: 0, degenerate: 'no path from input to output' });
    input.net.dispose();
  });

  it('reference mode evaluates the complement of the mask (docs/reference.md §9.2)', () => {
    const m = Mask.full().restrict(0, [3]).restrict(1, [0, 1]);
    const c = complementMask(m);
    expect(c.allowedOps(0)).toEqual([0, 1, 2, 4]);
    expect(c.allowedOps(1)).toEqual([2, 3, 4]);
    expect(c.allowedOps(2)).toEqual([0, 1, 2, 3, 4]);
    const source = new NB201Network(Mask.full(), { ...TINY, seed: 5 });
    const input = { ...tinyInput(m, 'reference'), weightSource: source };
    input.net.copyFrom(source);
    const viaComplement = new NB201Network(c, { ...TINY, seed: 9 });
    viaComplement.copyFrom(source);
    const expected = Math.exp(logSynflow(viaComplement, [8, 8], 'running').logSum);
    expect(synflow(input).value / expected).toBeCloseTo(1, 5);
    for (const n of [source, input.net, viaComplement]) n.dispose();
  });
});
