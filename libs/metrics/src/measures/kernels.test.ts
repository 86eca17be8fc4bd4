import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import { linearRegions } from './linear-regions';
import { gramRows, symmetricEigenvalues } from './linalg';
import { NTK_DEGENERATE, ntkCondition } from './ntk';
import { tinyBatches, tinyInput, useTestBackend } from '../testing';

const ARCH = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));
const NONE = Mask.single(parseArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'));

describe('ntk_condition and linear_regions', () => {
  beforeAll(useTestBackend);

  it('ntk_condition = λ_max/λ_min of the per-image gradient Gram matrix (rebuilt from per-image gradients)', () => {
    const input = tinyInput(ARCH, 'published', tinyBatches(4));
    const batch = input.batches[0] as { x: tf.Tensor4D };
    const vars = input.net.weights();
    const cols = vars.reduce((n, v) => n + v.size, 0);
    const rows = new Float64Array(4 * cols);
    for (let i = 0; i < 4; i++) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.slice(input.net.forward(batch.x, { training: true, updateStats: false }).logits, [i, 0], [1, -1])) as tf.Scalar, vars);
      value.dispose();
      let off = i * cols;
      for (const v of vars) {
        rows.set(grads[v.name]?.dataSync() ?? new Float32Array(v.size), off);
        off += v.size;
      }
      tf.dispose(grads);
    }
    const eig = symmetricEigenvalues(gramRows(rows, 4, cols), 4);
    expect(ntkCondition(input).value / ((eig[3] as number) / (eig[0] as number))).toBeCloseTo(1, 4);
    input.net.dispose();
  });

  it('a singular NTK (disconnected network) gives the finite flagged sentinel', () => {
    const input = tinyInput(NONE, 'published', tinyBatches(4));
    expect(ntkCondition(input)).toMatchObject({ value: NTK_DEGENERATE });
    input.net.dispose();
  });

  it('reference linear regions count one pattern per crop on the full network: 16 crops → 16 (docs/reference.md §9.4)', () => {
    const input = tinyInput(ARCH, 'reference', tinyBatches(16, 1, 3, 32), 0, { C: 16, N: 5 });
    expect(linearRegions(input).value).toBe(16);
    input.net.dispose();
  });

  it('TE-NAS linear regions on the thin network: more regions for a conv architecture than for a parameter-free one', () => {
    const conv = tinyInput(ARCH, 'published', tinyBatches(16));
    const free = tinyInput(Mask.single(parseArch('|skip_connect~0|+|avg_pool_3x3~0|skip_connect~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|')), 'published', tinyBatches(16));
    const a = linearRegions(conv).value;
    const b = linearRegions(free).value;
    expect(a).toBeGreaterThan(b);
    expect(a).toBeLessThanOrEqual(1000);
    conv.net.dispose();
    free.net.dispose();
  });
});
