import { describe, expect, it } from 'vitest';
import { loadPythonFixtures } from './fixtures/python-reference';
import { PythonRandom, bitLength } from './python-random';

const fx = loadPythonFixtures();
const make = (seed: string): PythonRandom => new PythonRandom(BigInt(seed));

describe('PythonRandom matches CPython', () => {
  it('was checked against real CPython fixtures', () => {
    expect(fx.prng.length).toBeGreaterThanOrEqual(10);
    expect(fx.python).toMatch(/^3\./);
  });

  for (const p of fx.prng) {
    it(`seed ${p.seed}: raw outputs, random(), getrandbits, randbelow, choice, shuffle`, () => {
      let r = make(p.seed);
      expect(Array.from({ length: p.uint32.length }, () => r.nextUint32())).toEqual(p.uint32);
      r = make(p.seed);
      // repr() round-trips a double, so parsing it gives the exact value CPython produced.
      expect(p.random.map(() => r.random())).toEqual(p.random.map(Number));
      r = make(p.seed);
      for (const [k, values] of Object.entries(p.getrandbits)) expect(values.map(() => r.getrandbits(Number(k)))).toEqual(values);
      r = make(p.seed);
      for (const [n, values] of Object.entries(p.randbelow)) expect(values.map(() => r.randrange(Number(n)))).toEqual(values);
      r = make(p.seed);
      expect(p.choiceRange10000.map(() => r.choiceRange(10000))).toEqual(p.choiceRange10000);
      r = make(p.seed);
      expect(r.shuffle(Array.from({ length: 10 }, (_, i) => i))).toEqual(p.shuffle10);
      expect(r.shuffle([0, 1, 2, 3, 4])).toEqual(p.shuffle5then);
    });
  }

  it('accepts plain numbers the same as bigints, and |n| for negative seeds', () => {
    expect(new PythonRandom(888).nextUint32()).toBe(new PythonRandom(888n).nextUint32());
    expect(new PythonRandom(-7).nextUint32()).toBe(new PythonRandom(7).nextUint32());
    expect(() => new PythonRandom(1.5)).toThrow(RangeError);
    expect(() => new PythonRandom(0).choice([])).toThrow(RangeError);
  });

  it('computes bit lengths like int.bit_length()', () => {
    expect([0, 1, 2, 3, 4, 5, 10000, 2 ** 31, 2 ** 32, 2 ** 40 + 1].map(bitLength)).toEqual([0, 1, 2, 2, 3, 3, 14, 32, 33, 41]);
  });
});
