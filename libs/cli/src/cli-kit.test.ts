import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '@fsnas/core';
import { debugEnabled, fidelityOf, numericOption } from './cli-kit';

describe('numeric option parsers (issue 14)', () => {
  it.each(['0', '-1', '1.5', 'abc', 'NaN', '', ' ', '1e3', '0x10', 'Infinity', '99999999999999999999'])('positiveInteger refuses %j as a usage error', (v) => {
    expect(() => numericOption.positiveInteger(v)).toThrow(InvalidArgumentError);
    expect(() => numericOption.positiveInteger(v)).toThrow(`got '${v}'`);
  });

  it('accepts what it should', () => {
    expect(numericOption.positiveInteger('1')).toBe(1);
    expect(numericOption.positiveInteger(' 64 ')).toBe(64);
    expect(numericOption.nonNegativeInteger('0')).toBe(0);
    expect(numericOption.integerIn(-3, 3)('-3')).toBe(-3);
    expect(numericOption.floatIn(0, 1)('0.25')).toBe(0.25);
  });

  it('names the range it wants', () => {
    expect(() => numericOption.positiveInteger('0')).toThrow("expected an integer ≥ 1, got '0'");
    expect(() => numericOption.nonNegativeInteger('-1')).toThrow("expected an integer ≥ 0, got '-1'");
    expect(() => numericOption.floatIn(0, 1)('1.5')).toThrow("expected a number in [0, 1], got '1.5'");
    expect(() => numericOption.floatIn(0, 1)('NaN')).toThrow("expected a number, got 'NaN'");
    expect(() => numericOption.floatIn(0, Infinity)('')).toThrow(InvalidArgumentError);
    expect(() => numericOption.integerIn(1, 4096)('5000')).toThrow("expected an integer in [1, 4096], got '5000'");
  });
});

describe('FSNAS_DEBUG (issue 14)', () => {
  it('turns stack traces on for 1/true/yes, and off when unset, empty or 0/false/no/off', () => {
    for (const on of ['1', 'true', 'yes', 'TRUE', '2']) expect(debugEnabled({ FSNAS_DEBUG: on })).toBe(true);
    for (const off of [undefined, '', '0', 'false', 'no', 'off', ' 0 ']) expect(debugEnabled({ FSNAS_DEBUG: off })).toBe(false);
  });
});

describe('--fidelity and its hidden old name --compat', () => {
  it('is published by default, and either option gives the fidelity, legacy values too', () => {
    expect(fidelityOf({})).toBe('published');
    expect(fidelityOf({ fidelity: 'reference' })).toBe('reference');
    expect(fidelityOf({ compat: 'reference' })).toBe('reference');
    for (const legacy of ['none', 'naslib', 'spec']) expect(fidelityOf({ compat: legacy })).toBe('published');
  });

  it('names the option that was given, and refuses both at once', () => {
    expect(() => fidelityOf({ fidelity: 'x' })).toThrow("--fidelity must be published or reference (legacy: none, naslib, spec), got 'x'");
    expect(() => fidelityOf({ compat: 'x' })).toThrow("--compat must be published or reference (legacy: none, naslib, spec), got 'x'");
    expect(() => fidelityOf({ fidelity: 'reference', compat: 'reference' })).toThrow(InvalidInputError);
  });
});
