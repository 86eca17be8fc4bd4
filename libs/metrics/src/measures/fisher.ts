import { crossEntropy, tf } from '@fsnas/nn';
import type { MetricValue, NetworkInput } from '../scoring/types';
import { defineMetric } from '../scoring/descriptor';

/**
 * fisher (Theis et al. / Turner et al., as NASLib compute_fisher_per_weight, train-mode BN, CE loss):
 * for every Conv/Linear layer with output a (pre-BN) and δ = ∂L/∂a, per image n and output channel k
 * g_nk = Σ_spatial a·δ, and Δ_k = ½ mean_n g_nk². NASLib broadcasts Δ_k to every weight of channel k
 * before summing, so the score is Σ_layers Σ_k Δ_k · (weights per output channel).
 *
 * g_nk is obtained without activation hooks: each layer output is multiplied by a probe s (ones, one
 * entry per image and channel); ∂L/∂s_nk = Σ_spatial a·δ exactly.
 */
export function fisher(input: NetworkInput): MetricValue {
  const net = input.net;
  const fanPerChannel = new Map(net.params.weightEntries().map((e) => [e.name, e.variable.size / (e.variable.shape[e.variable.shape.length - 1] as number)]));
  let total = 0;
  for (const batch of input.batches) {
    const b = batch.x.shape[0] as number;
    // First pass discovers the layer output shapes (probe shapes); it is cheap next to the backward.
    const shapes = new Map<string, number[]>();
    tf.tidy(() => {
      net.forward(batch.x, {
        training: true,
        updateStats: false,
        onLayerOutput: (name, y) => {
          shapes.set(name, y.rank === 4 ? [b, 1, 1, y.shape[3] as number] : [b, y.shape[1] as number]);
          return y;
        },
      });
    });
    const names = [...shapes.keys()];
    const probes = names.map((n) => tf.ones(shapes.get(n) as number[]));
    const grads = tf.tidy(() =>
      tf.grads((...ps: tf.Tensor[]) => {
        const byName = new Map(names.map((n, i) => [n, ps[i] as tf.Tensor]));
        const { logits } = net.forward(batch.x, {
          training: true,
          updateStats: false,
          onLayerOutput: (name, y) => tf.mul(y, byName.get(name) as tf.Tensor),
        });
        return crossEntropy(logits, batch.y);
      })(probes),
    );
    grads.forEach((g, i) => {
      const v = g.dataSync();
      const k = v.length / b;
      const fan = fanPerChannel.get(names[i] as string) ?? 0;
      for (let c = 0; c < k; c++) {
        let ss = 0;
        for (let n = 0; n < b; n++) ss += (v[n * k + c] as number) ** 2;
        total += 0.5 * (ss / b) * fan;
      }
    });
    tf.dispose(grads);
    tf.dispose(probes);
  }
  return { value: total };
}

export const fisherMetric = defineMetric({
  name: 'fisher',
  aliases: [],
  description: 'Σ_k ½ mean_n (Σ_hw a·δ)² per channel, broadcast to its weights',
  higherIsBetter: true,
  usesReference: true,
  // A forward that finds the layer shapes, then a forward and a backward to the activations only.
  cost: (c) => 3 * c.forward(c.batch),
  evaluation: { kind: 'network', compute: fisher },
});
