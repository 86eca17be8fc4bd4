import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import type { TensorBatch } from '@fsnas/data';
import { nwot, zen } from './activations';
import { fisher } from './fisher';
import { slogdet } from './linalg';
import { DEGENERATE_LOW } from '../scoring/types';
import { tinyInput, useTestBackend } from '../testing';

const ARCH = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));
const NONE = Mask.single(parseArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'));

describe('activation metrics', () => {
  beforeAll(useTestBackend);

  it('nwot = ln|det K| with K_ij = Σ_relu (D − Hamming), rebuilt here from the raw ReLU outputs', () => {
    const input = tinyInput(ARCH);
    const batch = input.batches[0] as TensorBatch;
    const b = 8;
    const k = new Float64Array(b * b);
    tf.tidy(() => {
      input.net.forward(batch.x, {
        training: true,
        updateStats: false,
        onRelu: (_name, y) => {
          const v = y.dataSync();
          const d = v.length / b;
          for (let i = 0; i < b; i++)
            for (let j = 0; j < b; j++) {
              let same = 0;
              for (let t = 0; t < d; t++) if ((v[i * d + t] as number) > 0 === (v[j * d + t] as number) > 0) same++;
              k[i * b + j] = (k[i * b + j] as number) + same;
            }
        },
      });
    });
    expect(nwot(input).value).toBeCloseTo(slogdet(k, b).logAbsDet, 6);
    input.net.dispose();
  });

  it('nwot and zen of a disconnected network are flagged sentinels', () => {
    const input = tinyInput(NONE);
    expect(nwot(input)).toMatchObject({ value: DEGENERATE_LOW });
    expect(zen(input)).toMatchObject({ value: DEGENERATE_LOW });
    input.net.dispose();
  });

  it('zen is finite, deterministic for a seed, and changes with the seed', () => {
    const a = tinyInput(ARCH);
    const v1 = zen(a).value;
    expect(Number.isFinite(v1)).toBe(true);
    expect(zen(a).value).toBe(v1);
    const b = { ...a, seed: 7 };
    expect(zen(b).value).not.toBe(v1);
    a.net.dispose();
  });

  it("fisher's classifier term equals ½·mean_n Σ_k (z_nk·∂L/∂z_nk)²·64 computed from the logits", () => {
    // A network with only the classifier reachable (all none): every conv's δ is 0, so fisher is the classifier term alone.
    const input = tinyInput(NONE);
    const batch = input.batches[0] as TensorBatch;
    const b = 8;
    const z = tf.tidy(() => input.net.forward(batch.x, { training: true, updateStats: false }).logits.arraySync());
    const y = batch.y.dataSync();
    let expected = 0;
    for (let k = 0; k < 10; k++) {
      let ss = 0;
      for (let n = 0; n < b; n++) {
        const row = z[n] as number[];
        const m = Math.max(...row);
        const e = row.map((v) => Math.exp(v - m));
        const s = e.reduce((p, q) => p + q, 0);
        const delta = ((e[k] as number) / s - (k === y[n] ? 1 : 0)) / b;
        ss += ((row[k] as number) * delta) ** 2;
      }
      expected += 0.5 * (ss / b) * 16; // fan-in of the C=4 network's classifier: 4C = 16
    }
    expect(fisher(input).value).toBeCloseTo(expected, 8);
    input.net.dispose();
  });
});
