import { describe, expect, it } from 'vitest';
import { parseMaskArgument } from './search';

describe('fsnas search --mask', () => {
  it('accepts full and a JSON 0/1 matrix', () => {
    expect(parseMaskArgument('full').size).toBe(15625);
    expect(parseMaskArgument('[[1,0,0,0,0],[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1],[1,1,1,1,1]]').size).toBe(5);
  });

  it('rejects malformed masks and missing split files with one-line typed errors', () => {
    expect(() => parseMaskArgument('[[1,1]]')).toThrow(/6x5/);
    expect(() => parseMaskArgument('nope')).toThrow(/--mask must be/);
    expect(() => parseMaskArgument('/no/such/split.json:3')).toThrow(/not found/);
  });
});
