import { beforeAll, describe, expect, it } from 'vitest';
import { parseArch } from '@fsnas/nb201';
import { gaussianBatchSource } from './data';
import { METRIC_NAMES, resolveMetricName } from './registry';
import { scoreArchitectures } from './score';
import { DegenerateNetworkError } from './types';
import { TINY, useTestBackend } from '../testing';

const archs = ['|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|', '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|'].map(parseArch);
const options = { network: TINY, batchSize: 8, source: gaussianBatchSource(8, 8) };

describe('per-architecture scoring', () => {
  beforeAll(useTestBackend);

  it('resolves NASLib and reference aliases', () => {
    expect(resolveMetricName('jacov')).toBe('jacob_cov');
    expect(resolveMetricName('params')).toBe('num_params');
    expect(resolveMetricName('NTK')).toBe('ntk_condition');
    expect(resolveMetricName('grad-norm')).toBe('grad_norm');
    expect(() => resolveMetricName('accuracy')).toThrow(/unknown metric/);
  });

  it('every per-network metric returns a finite value for every architecture, degenerate ones flagged', () => {
    const names = METRIC_NAMES.filter((n) => n !== 'gradient_matching');
    for (const fidelity of ['published', 'reference'] as const) {
      const [good, none] = scoreArchitectures(archs, names, { ...options, fidelity });
      for (const n of names) {
        expect(Number.isFinite(good?.values[n]?.value)).toBe(true);
        expect(good?.values[n]?.degenerate).toBeUndefined();
        expect(Number.isFinite(none?.values[n]?.value)).toBe(true);
      }
      expect(none?.values.synflow?.degenerate ?? none?.values.jacob_cov?.degenerate).toBeDefined();
    }
  });

  it('strict mode throws a typed error instead of returning a sentinel', () => {
    expect(() => scoreArchitectures(archs, ['jacob_cov'], { ...options, strict: true })).toThrow(DegenerateNetworkError);
  });

  it('gradient_matching has no per-architecture value', () => {
    expect(() => scoreArchitectures(archs, ['gradient_matching'], options)).toThrow(/EdgeMetric/);
  });
});
