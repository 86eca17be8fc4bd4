import { describe, expect, it } from 'vitest';
import { FIDELITIES, InvalidInputError, fidelityOfToken, fidelityToken, parseFidelity } from './index';

describe('parseFidelity', () => {
  it('returns published and reference as they are', () => {
    expect(FIDELITIES).toEqual(['published', 'reference']);
    expect(parseFidelity('published', '--fidelity')).toBe('published');
    expect(parseFidelity('reference', '--fidelity')).toBe('reference');
  });

  it.each(['none', 'naslib', 'spec'])('reads the legacy %s as published', (legacy) => {
    expect(parseFidelity(legacy, '--compat')).toBe('published');
  });

  it.each(['x', '', 'Reference', ' published', 'paper', 'constructor'])('refuses %j naming the option, the value and the choices', (text) => {
    const parse = () => parseFidelity(text, '--fidelity');
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(`--fidelity must be published or reference (legacy: none, naslib, spec), got '${text}'`);
  });
});

describe('format stability: the persisted fidelity tokens', () => {
  it.each([
    ['metrics', 'naslib'],
    ['splitting', 'none'],
    ['search', 'spec'],
  ] as const)('%s writes published as %s and reference as reference, and reads both back', (library, published) => {
    expect(fidelityToken(library, 'published')).toBe(published);
    expect(fidelityToken(library, 'reference')).toBe('reference');
    expect(fidelityOfToken(library, published)).toBe('published');
    expect(fidelityOfToken(library, 'reference')).toBe('reference');
  });

  it("refuses another library's token or a fidelity name where a token is recorded", () => {
    expect(() => fidelityOfToken('search', 'naslib')).toThrow("a search fidelity must be recorded as spec or reference, got 'naslib'");
    expect(() => fidelityOfToken('splitting', 'published')).toThrow(InvalidInputError);
  });
});
