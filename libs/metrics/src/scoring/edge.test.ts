import { beforeAll, describe, expect, it } from 'vitest';
import { Mask } from '@fsnas/nb201';
import { NB201Network } from '@fsnas/nn';
import { createEdgeMetric } from './edge';
import { gaussianBatchSource } from './data';
import { TINY, useTestBackend } from '../testing';

const parent = Mask.full();
const candidates = [0, 1, 2, 3, 4].map((op) => parent.restrict(0, [op]));
const settings = { network: TINY, batchSize: 4, source: gaussianBatchSource(8, 8) };

function checkMatrix(m: readonly (readonly number[])[], n: number): void {
  expect(m).toHaveLength(n);
  m.forEach((row, i) => {
    expect(row).toHaveLength(n);
    expect(row[i]).toBe(0);
    row.forEach((v, j) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBe(m[j]?.[i]);
    });
  });
}

describe('EdgeMetric (few-shot interface)', () => {
  beforeAll(useTestBackend);

  it('snip: per-candidate values, a symmetric zero-diagonal distance matrix |m_i − m_j|, deterministic per seed', async () => {
    const metric = createEdgeMetric('snip', settings);
    const a = await metric.evaluateEdge({ candidates, parent, edge: 0, seed: 3 });
    expect(a.kind).toBe('distance');
    expect(a.values).toHaveLength(5);
    checkMatrix(a.matrix, 5);
    expect(a.matrix[1]?.[3]).toBeCloseTo(Math.abs((a.values[1] as number) - (a.values[3] as number)), 12);
    const b = await metric.evaluateEdge({ candidates, parent, edge: 0, seed: 3 });
    expect(b.values).toEqual(a.values);
    const c = await metric.evaluateEdge({ candidates, parent, edge: 0, seed: 4 });
    expect(c.values).not.toEqual(a.values);
  });

  it('candidates start from warm-up weights when the request has them (scalar and pairwise metrics)', async () => {
    const trained = (seed: number) => new NB201Network(parent, { ...TINY, seed });
    const [w1, w2] = [trained(11), trained(12)];
    try {
      for (const name of ['snip', 'gradient_matching']) {
        const metric = createEdgeMetric(name, settings);
        const ask = (weights?: NB201Network) => metric.evaluateEdge({ candidates, parent, edge: 0, seed: 3, ...(weights ? { weights } : {}) });
        const [a, again, b, fresh] = [await ask(w1), await ask(w1), await ask(w2), await ask()];
        expect(again.matrix, name).toEqual(a.matrix);
        expect(b.matrix, name).not.toEqual(a.matrix);
        expect(fresh.matrix, name).not.toEqual(a.matrix);
      }
      // The caller's network is read, not consumed.
      expect(w1.params.count()).toBeGreaterThan(0);
    } finally {
      w1.dispose();
      w2.dispose();
    }
  });

  it('gradient matching: a cosine similarity matrix in [−1, 1]; `none` has no gradient on its edge but shares the rest', async () => {
    const metric = createEdgeMetric('gradient_matching', settings);
    const r = await metric.evaluateEdge({ candidates, parent, edge: 0, seed: 1 });
    expect(r.kind).toBe('similarity');
    checkMatrix(r.matrix, 5);
    for (const row of r.matrix) for (const v of row) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-9);
    expect(Math.max(...(r.matrix[2] as number[]))).toBeGreaterThan(0);
  });

  it('reference mode normalises by the parent, which only rescales the distances (docs/reference.md §9.7)', async () => {
    const plain = await createEdgeMetric('num_params', { ...settings, fidelity: 'reference', useReference: false }).evaluateEdge({ candidates, parent, edge: 0, seed: 0 });
    const normed = await createEdgeMetric('num_params', { ...settings, fidelity: 'reference' }).evaluateEdge({ candidates, parent, edge: 0, seed: 0 });
    const ratio = (normed.matrix[0]?.[3] as number) / (plain.matrix[0]?.[3] as number);
    normed.matrix.forEach((row, i) =>
      row.forEach((v, j) => {
        const p = plain.matrix[i]?.[j] as number;
        if (p === 0) expect(v).toBe(0);
        else expect(v / p).toBeCloseTo(ratio, 9);
      }),
    );
    // nparams isolates nor_conv_3x3 at level 0: its value is far from the others (docs/reference.md §10.9)
    const far = plain.values.map((v, i) => Math.min(...plain.values.filter((_, j) => j !== i).map((w) => Math.abs(v - w))));
    expect(far.indexOf(Math.max(...far))).toBe(3);
  });

  it('all candidates of one call start from the same weights: two identical candidates get identical values', async () => {
    const twin = [candidates[3] as Mask, candidates[3] as Mask, candidates[1] as Mask];
    for (const name of ['synflow', 'jacob_cov', 'grad_norm']) {
      const r = await createEdgeMetric(name, settings).evaluateEdge({ candidates: twin, parent, edge: 0, seed: 2 });
      expect(r.values[0]).toBe(r.values[1]);
      expect(r.matrix[0]?.[1]).toBe(0);
    }
  });

  it('random is seeded and needs no network', async () => {
    const m = createEdgeMetric('random', settings);
    const a = await m.evaluateEdge({ candidates, parent, edge: 0, seed: 9 });
    expect((await m.evaluateEdge({ candidates, parent, edge: 0, seed: 9 })).values).toEqual(a.values);
  });
});
