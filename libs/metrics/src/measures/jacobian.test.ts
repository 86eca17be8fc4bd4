import { beforeAll, describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { tf } from '@fsnas/nn';
import type { TensorBatch } from '@fsnas/data';
import { epeNas, inputJacobian, jacobCov } from './jacobian';
import { DEGENERATE_LOW } from '../scoring/types';
import { tinyInput, useTestBackend } from '../testing';

const ARCH = Mask.single(parseArch('|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|'));
const NONE = Mask.single(parseArch('|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'));

describe('input-Jacobian metrics', () => {
  beforeAll(useTestBackend);

  it('the input Jacobian of Σ logits matches finite differences on one pixel', () => {
    const input = tinyInput(ARCH);
    const batch = input.batches[0] as TensorBatch;
    const j = inputJacobian(input);
    const x = batch.x.dataSync().slice() as Float32Array;
    const at = 3 * 8 * 3 + 5; // image 0, some pixel/channel
    const f = (d: number): number => {
      const y = x.slice();
      y[at] = (y[at] as number) + d;
      return tf.tidy(() => tf.sum(input.net.forward(tf.tensor4d(y, batch.x.shape), { training: true, updateStats: false }).logits).dataSync()[0] as number);
    };
    const h = 1e-2;
    const fd = (f(h) - f(-h)) / (2 * h);
    expect(j.rows).toBe(8);
    expect(j.data[at] as number).toBeCloseTo(fd, 2);
    input.net.dispose();
  });

  it("jacob_cov follows Mellor's formula on the correlation eigenvalues (all-equal rows ⇒ one eigenvalue n)", () => {
    const input = tinyInput(ARCH);
    const v = jacobCov(input).value;
    // bounds: with eigenvalues λ ≥ 0 summing to n, each term ln(λ+k)+1/(λ+k) ≥ 1 (at λ+k = 1)
    expect(v).toBeLessThanOrEqual(-8 + 1e-6);
    // plant a Jacobian whose rows are identical: one eigenvalue 8, seven zeros
    input.memo.set('input-jacobian', { data: new Float32Array(8 * 4).map((_, i) => [1, 2, 3, 5][i % 4] as number), rows: 8, cols: 4, labels: new Int32Array(8) });
    const k = 1e-5;
    const expected = -(Math.log(8 + k) + 1 / (8 + k) + 7 * (Math.log(k) + 1 / k));
    expect(jacobCov(input).value / expected).toBeCloseTo(1, 9);
    input.net.dispose();
  });

  it('a disconnected network (all none) gives the flagged sentinel, not NaN', () => {
    const input = tinyInput(NONE);
    expect(jacobCov(input)).toEqual({ value: DEGENERATE_LOW, degenerate: expect.stringContaining('constant Jacobian') });
    expect(epeNas(input).degenerate).toBeDefined();
    input.net.dispose();
  });

  it('epe_nas: per-class sums of ln(|corr|+k); a one-image class contributes |ln(1+k)|', () => {
    const input = tinyInput(ARCH);
    input.memo.set('input-jacobian', {
      data: Float32Array.of(1, 2, 3, 2, 4, 7, 9, 1, 4),
      rows: 3,
      cols: 3,
      labels: Int32Array.of(0, 0, 1),
    });
    const r = (1 * 2 + 2 * 4 + 3 * 7 - (6 * 13) / 3) / Math.sqrt((14 - 12) * (69 - 169 / 3));
    const k = 1e-5;
    const class0 = Math.abs(2 * Math.log(1 + k) + 2 * Math.log(Math.abs(r) + k));
    expect(epeNas(input).value).toBeCloseTo(class0 + Math.abs(Math.log(1 + k)), 9);
    input.net.dispose();
  });

  it('reference jacob_cov uses the 16-parameter-chunk rows (C rows for a C-channel net)', () => {
    const input = tinyInput(ARCH, 'reference');
    const v = jacobCov(input);
    expect(Number.isFinite(v.value)).toBe(true);
    expect(input.memo.has('reference-chunk-rows')).toBe(true);
    expect((input.memo.get('reference-chunk-rows') as { rows: number }).rows).toBe(4);
    input.net.dispose();
  });
});
