import { describe, expect, it } from 'vitest';
import { OPS } from './space';
import { OP_TABLE, isConvOp, opMacs, opParamCount, opSpec } from './ops';

describe('op table', () => {
  it('has one row per op, in OPS order', () => {
    expect(OP_TABLE.map((s) => s.name)).toEqual([...OPS]);
    expect(OP_TABLE.map((s) => s.id)).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts conv parameters and MACs from the kernel size', () => {
    expect(opParamCount(2, 16)).toBe(16 * 16 + 32);
    expect(opParamCount(3, 16)).toBe(9 * 16 * 16 + 32);
    expect([0, 1, 4].map((op) => opParamCount(op, 16))).toEqual([0, 0, 0]);
    expect(opMacs(3, 8, 10)).toBe(10 * 9 * 64);
    expect(opMacs(4, 8, 10)).toBe(0);
    expect([0, 1, 2, 3, 4].filter(isConvOp)).toEqual([2, 3]);
  });

  it('rejects ids outside the space', () => {
    expect(() => opSpec(5)).toThrow(RangeError);
  });
});
