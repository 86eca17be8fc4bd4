import { InvalidInputError } from '@fsnas/core';
import { describe, expect, it } from 'vitest';
import { canonicalJson, flattenParams, runKey } from './run-key';

describe('runKey', () => {
  it('ignores key order and undefined fields, at every depth', () => {
    const a = { metric: 'snip', budget: { epochs: 2, seeds: [1, 2] }, extra: undefined };
    const b = { budget: { seeds: [1, 2], epochs: 2 }, metric: 'snip' };
    expect(canonicalJson(a)).toBe('{"budget":{"epochs":2,"seeds":[1,2]},"metric":"snip"}');
    expect(runKey(a)).toBe(runKey(b));
    expect(runKey(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a value or the array order differs', () => {
    expect(runKey({ seeds: [1, 2] })).not.toBe(runKey({ seeds: [2, 1] }));
    expect(runKey({ lr: 0.1 })).not.toBe(runKey({ lr: 0.01 }));
  });

  it('rejects values that are not plain finite JSON', () => {
    expect(() => runKey({ lr: NaN })).toThrow(InvalidInputError);
    expect(() => runKey({ f: () => 1 })).toThrow(/\$\.f/);
  });
});

describe('flattenParams', () => {
  it('turns nested objects into dotted keys and keeps arrays as JSON', () => {
    expect(flattenParams({ metric: 'snip', budget: { epochs: 2, seeds: [1, 2] }, on: true })).toEqual({
      metric: 'snip',
      'budget.epochs': '2',
      'budget.seeds': '[1,2]',
      on: 'true',
    });
  });
});
