import { computedSplitSources } from '@fsnas/experiments';
import { runKey } from '@fsnas/tracking';
import { describe, expect, it } from 'vitest';
import { planSplits, sourceOfRun } from './run';

/**
 * Format stability: the splits stage's run config (its run key skips finished MLflow runs; its
 * fidelity is a param and a tag) records a source's fidelity as splitting's token, `none` or
 * `reference`. Literal values recorded before the fidelity vocabulary replaced splitting's own compat type.
 */
describe('format stability: splits stage run keys', () => {
  const gm = computedSplitSources('laptop', ['cifar10']).find((s) => s.metric === 'gradient_matching');
  if (!gm) throw new Error('no gradient_matching source');

  it("the paper setting's gradient-matching run keeps its run key", () => {
    const [planned] = planSplits([gm]);
    expect(planned?.config.fidelity).toBe('reference');
    expect(planned && runKey(planned.config)).toBe('1d018bba371cdd1af39b36264f622cf2cb8e4312b459d070a7adacf8d3602560');
  });

  it('a published-fidelity run keeps the run key and tag it had as fidelity none', () => {
    const [planned] = planSplits([{ ...gm, fidelity: 'published' }]);
    expect(planned?.config.fidelity).toBe('none');
    expect(planned?.tags['fidelity']).toBe('none');
    expect(planned && sourceOfRun(planned.config).fidelity).toBe('published');
    expect(planned && runKey(planned.config)).toBe('d6bb727585c96bd0c9dc9f7f7188a0fb757ec601c6389f3ca40cc80a41014560');
  });
});
