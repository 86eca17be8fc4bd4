import { Mask, parseArch } from '@fsnas/nb201';
import { describe, expect, it } from 'vitest';
import { alphaEntropy, parameterFreeOps } from './collapse';

describe('collapse signs', () => {
  it('counts none, skip and pool as parameter-free, the convs not', () => {
    expect(parameterFreeOps(parseArch('|skip_connect~0|+|none~0|avg_pool_3x3~1|+|nor_conv_3x3~0|nor_conv_1x1~1|skip_connect~2|'))).toBe(4);
  });

  it('α entropy is log(k) on a uniform edge of k allowed ops and near 0 on a decided one', () => {
    const alpha = new Array(30).fill(0);
    alpha[0] = 50; // edge 0: op 0 dominates
    const h = alphaEntropy(alpha, Mask.full());
    expect(h[0]).toBeLessThan(1e-9);
    expect(h[1]).toBeCloseTo(Math.log(5), 12);
    const rows = Mask.full().toRows();
    rows[1] = [0, 1, 1, 0, 0];
    expect(alphaEntropy(new Array(30).fill(0), Mask.fromRows(rows))[1]).toBeCloseTo(Math.log(2), 12);
  });
});
