import { describe, expect, it } from 'vitest';
import { METRIC_DESCRIPTORS, METRIC_NAMES, aliasIndex, resolveMetricName } from './registry';
import { snipMetric, plainMetric } from '../measures/gradients';

describe('metric registry', () => {
  it('resolves every name and every alias of every descriptor to that metric', () => {
    expect(METRIC_NAMES).toHaveLength(METRIC_DESCRIPTORS.length);
    for (const d of METRIC_DESCRIPTORS) {
      expect(resolveMetricName(d.name)).toBe(d.name);
      for (const alias of d.aliases) expect(resolveMetricName(alias.toUpperCase())).toBe(d.name);
    }
    expect(resolveMetricName('jacov')).toBe('jacob_cov');
  });

  it('refuses a spelling claimed by two metrics', () => {
    expect(() => aliasIndex([snipMetric, { ...plainMetric, aliases: ['snip'] }])).toThrow(/'snip' \(an alias of plain\) is already/);
    expect(() => aliasIndex([snipMetric, snipMetric])).toThrow(/listed twice/);
  });
});
