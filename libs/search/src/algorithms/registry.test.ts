import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@fsnas/core';
import { ALGORITHMS, ALGORITHM_DEFINITIONS, REFERENCE_VARIANTS, algorithmOptions, checkAlgorithmChoice, createAlgorithm, hasReferenceVariant } from './registry';

describe('algorithm registry', () => {
  it('lists every algorithm and the reference variants the paper ran', () => {
    expect(ALGORITHMS).toEqual(['darts', 'darts2', 'snas', 'dsnas', 'gdas', 'rsps']);
    expect(REFERENCE_VARIANTS).toEqual(['darts', 'darts2', 'snas', 'dsnas']);
    expect(ALGORITHMS.map(hasReferenceVariant)).toEqual([true, true, true, true, false, false]);
  });

  it('defaults are the paper settings (docs/reference.md §5.1)', () => {
    expect(Object.fromEntries(ALGORITHM_DEFINITIONS.map((d) => [d.name, d.defaults]))).toEqual({
      darts: {},
      darts2: { epsilon: 0.01 },
      snas: { tau: { max: 1, min: 0.1 } },
      dsnas: { samples: 5, threshold: 0.8 },
      gdas: { tau: { max: 10, min: 0.1 } },
      rsps: { archs: 100 },
    });
  });

  it('applies overrides to the defaults of that algorithm only', () => {
    expect(algorithmOptions('rsps', { rsps: { archs: 8 } })).toEqual({ archs: 8 });
    expect(algorithmOptions('snas', { rsps: { archs: 8 } })).toEqual({ tau: { max: 1, min: 0.1 } });
  });

  it('refuses options of another algorithm, bad option values and a reference variant the paper did not run', () => {
    expect(() => checkAlgorithmChoice({ algo: 'snas', fidelity: 'published', algorithm: algorithmOptions('dsnas') })).toThrow(/snas options must be \{tau.max:number, tau.min:number\}, got \{samples:number, threshold:number\}/);
    expect(() => checkAlgorithmChoice({ algo: 'rsps', fidelity: 'published', algorithm: { archs: '8' } as never })).toThrow(InvalidInputError);
    expect(() => createAlgorithm({ algo: 'rsps', fidelity: 'published', algorithm: { archs: 0 } })).toThrow(/rsps archs must be a positive integer, got 0/);
    expect(() => createAlgorithm({ algo: 'rsps', fidelity: 'published', algorithm: { archs: 2.5 } })).toThrow(InvalidInputError);
    expect(() => createAlgorithm({ algo: 'gdas', fidelity: 'reference', algorithm: algorithmOptions('gdas') })).toThrow(/reference exists for darts, darts2, snas, dsnas only, not gdas/);
    expect(() => checkAlgorithmChoice({ algo: 'nope', fidelity: 'published', algorithm: {} })).toThrow(/--algo must be one of darts\|darts2\|snas\|dsnas\|gdas\|rsps, got 'nope'/);
  });

  it('gives a temperature to the Gumbel algorithms only, from their own schedule', () => {
    const temperatures = Object.fromEntries(ALGORITHMS.map((name) => [name, createAlgorithm({ algo: name, fidelity: 'published', algorithm: algorithmOptions(name) }).temperature?.(0, 50) ?? null]));
    expect(temperatures).toEqual({ darts: null, darts2: null, snas: 1, dsnas: null, gdas: 10, rsps: null });
    expect(createAlgorithm({ algo: 'snas', fidelity: 'published', algorithm: { tau: { max: 2, min: 0.5 } } }).temperature?.(0, 10)).toBe(2);
  });
});
