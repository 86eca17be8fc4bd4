import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { NB201Network, tf } from '@fsnas/nn';
import { adapterForward } from './forward';
import { TINY, tinyBatches, useTestBackend } from './testing';

describe('adapterForward (metric-side forward over the network parameters)', () => {
  beforeAll(useTestBackend);

  const masks = [
    Mask.full(),
    Mask.single(parseArch('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|none~1|nor_conv_3x3~2|')),
    Mask.full().restrict(0, [0, 3]).restrict(4, [1, 4]),
  ];

  it.each(masks.map((m) => [m.toString(), m] as const))('gives the same logits as NB201Network.forward for %s (train and eval BN)', (_, mask) => {
    const net = new NB201Network(mask, { ...TINY, seed: 3 });
    const [batch] = tinyBatches(6);
    if (!batch) throw new Error('no batch');
    for (const training of [true, false]) {
      const [a, b] = tf.tidy(() => [
        net.forward(batch.x, { training, updateStats: false }).logits.arraySync(),
        adapterForward(net, batch.x, { bn: training ? 'batch' : 'running' }).logits.arraySync(),
      ]);
      expect(b).toHaveLength(6);
      (a as number[][]).forEach((row, i) => row.forEach((v, j) => expect((b as number[][])[i]?.[j]).toBeCloseTo(v, 4)));
    }
    net.dispose();
  });

  it('visits every ReLU module: one per conv op, two per reduction block, and the last one', () => {
    const mask = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|none~1|avg_pool_3x3~2|'));
    const net = new NB201Network(mask, { ...TINY, seed: 0 });
    const [batch] = tinyBatches(2);
    let count = 0;
    tf.tidy(() => {
      adapterForward(net, (batch as { x: tf.Tensor4D }).x, { bn: 'batch', onRelu: () => count++ });
    });
    // 3 conv ops × 3 cells (N=1) + 2 blocks × 2 + lastact
    expect(count).toBe(3 * 3 + 4 + 1);
    net.dispose();
  });
});
