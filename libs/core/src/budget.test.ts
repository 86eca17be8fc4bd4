import { describe, expect, it } from 'vitest';
import { BUDGETS, InvalidInputError, parseBudget } from './index';

describe('parseBudget', () => {
  it('returns each budget name as it is', () => {
    expect(['smoke', 'laptop', 'medium', 'paper'].map((b) => parseBudget(b, '--budget'))).toEqual(['smoke', 'laptop', 'medium', 'paper']);
    expect(BUDGETS).toEqual(['smoke', 'laptop', 'medium', 'paper']);
  });

  it.each(['huge', '', 'Smoke', ' laptop', 'constructor'])('refuses %j naming the flag, the value and the choices', (text) => {
    const parse = () => parseBudget(text, '--warmup');
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(`--warmup must be one of smoke, laptop, medium, paper, got '${text}'`);
  });
});
