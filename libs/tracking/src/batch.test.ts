import { InvalidInputError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { LIMITS, decodeDouble, encodeDouble, splitBatch, validateBatch } from './batch';

const metrics = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `m${i % 7}`, value: i, timestamp: 1000, step: i }));
const kvs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: `v${i}` }));

describe('splitBatch', () => {
  it('keeps every request within MLflow limits and loses nothing, in order', () => {
    const batch = { metrics: metrics(2500), params: kvs('p', 250), tags: kvs('t', 150) };
    const chunks = splitBatch(batch);
    for (const c of chunks) {
      expect(c.metrics?.length ?? 0).toBeLessThanOrEqual(LIMITS.metricsPerBatch);
      expect(c.params?.length ?? 0).toBeLessThanOrEqual(LIMITS.paramsPerBatch);
      expect(c.tags?.length ?? 0).toBeLessThanOrEqual(LIMITS.tagsPerBatch);
      expect((c.metrics?.length ?? 0) + (c.params?.length ?? 0) + (c.tags?.length ?? 0)).toBeLessThanOrEqual(LIMITS.entitiesPerBatch);
      expect(JSON.stringify(c).length).toBeLessThan(1_000_000);
    }
    expect(chunks.flatMap((c) => c.metrics ?? [])).toEqual(batch.metrics);
    expect(chunks.flatMap((c) => c.params ?? [])).toEqual(batch.params);
    expect(chunks.flatMap((c) => c.tags ?? [])).toEqual(batch.tags);
  });

  it('splits by size when values are long', () => {
    const long = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: 'x'.repeat(8000) }));
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: 'y'.repeat(6000) }));
    const chunks = splitBatch({ tags: long, params });
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(JSON.stringify(c).length).toBeLessThan(1_000_000);
  });

  it('returns no request for an empty batch', () => {
    expect(splitBatch({})).toEqual([]);
  });
});

describe('validateBatch', () => {
  it('rejects an over-long param value, naming the key', () => {
    expect(() => validateBatch({ params: [{ key: 'config', value: 'x'.repeat(6001) }] })).toThrow(/param 'config' has a 6001-character value/);
  });

  it('rejects keys MLflow would refuse', () => {
    for (const key of ['', 'a'.repeat(251), 'bad!key', '../up', '/abs', 'a//b']) {
      expect(() => validateBatch({ metrics: [{ key, value: 1, timestamp: 0, step: 0 }] }), key).toThrow(InvalidInputError);
    }
    expect(() => validateBatch({ metrics: [{ key: 'train/loss: top-1 acc', value: 1, timestamp: 0, step: 0 }] })).not.toThrow();
  });

  it('rejects a non-integer step', () => {
    expect(() => validateBatch({ metrics: [{ key: 'm', value: 1, timestamp: 0, step: 1.5 }] })).toThrow(/step must be an integer/);
  });
});

describe('double encoding', () => {
  it('round-trips NaN and infinities through their JSON strings', () => {
    for (const v of [NaN, Infinity, -Infinity, 0.5]) expect(decodeDouble(JSON.parse(JSON.stringify(encodeDouble(v))))).toBe(v);
  });
});
