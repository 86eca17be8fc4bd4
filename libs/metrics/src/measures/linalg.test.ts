import { describe, expect, it } from 'vitest';
import { corrcoefRows, gramRows, slogdet, symmetricEigenvalues } from './linalg';

describe('linalg', () => {
  it('symmetric eigenvalues match the 2×2 closed form and a diagonal matrix', () => {
    const [a, b, c] = [2, 1, 3];
    const mid = (a + c) / 2;
    const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    const eig = symmetricEigenvalues(Float64Array.of(a, b, b, c), 2);
    expect(eig[0]).toBeCloseTo(mid - rad, 12);
    expect(eig[1]).toBeCloseTo(mid + rad, 12);
    expect(Array.from(symmetricEigenvalues(Float64Array.of(3, 0, 0, 0, -1, 0, 0, 0, 2), 3))).toEqual([-1, 2, 3]);
  });

  it('eigenvalues of a random Gram matrix sum to its trace and are non-negative', () => {
    const rows = 6;
    const cols = 4;
    const data = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const g = gramRows(data, rows, cols);
    const eig = symmetricEigenvalues(g, rows);
    let trace = 0;
    for (let i = 0; i < rows; i++) trace += g[i * rows + i] as number;
    expect(eig.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 9);
    // rank ≤ 4: two eigenvalues vanish
    expect(Math.abs(eig[0] as number)).toBeLessThan(1e-9);
    expect(Math.abs(eig[1] as number)).toBeLessThan(1e-9);
    expect(eig[2] as number).toBeGreaterThan(0);
  });

  it('slogdet equals the log of the product of eigenvalues, and detects singular matrices', () => {
    const m = Float64Array.of(4, 1, 0, 1, 3, 1, 0, 1, 2);
    const { sign, logAbsDet } = slogdet(m, 3);
    const eig = symmetricEigenvalues(m, 3);
    expect(sign).toBe(1);
    expect(logAbsDet).toBeCloseTo(Math.log(eig.reduce((p, v) => p * v, 1)), 10);
    expect(slogdet(Float64Array.of(0, 1, 1, 0), 2)).toEqual({ sign: -1, logAbsDet: 0 });
    expect(slogdet(Float64Array.of(1, 2, 2, 4), 2).sign).toBe(0);
  });

  it('corrcoef: ±1 for affine rows, NaN for a constant row', () => {
    const c = corrcoefRows([1, 2, 3, 2, 4, 6, 3, 2, 1, 5, 5, 5], 4, 3);
    expect(c[1]).toBeCloseTo(1, 12);
    expect(c[2]).toBeCloseTo(-1, 12);
    expect(Number.isNaN(c[3] as number)).toBe(true);
  });

});
