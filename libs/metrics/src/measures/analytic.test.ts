import { describe, expect, it } from 'vitest';
import { Mask, parseArch } from '@fsnas/nb201';
import { flops, numParams, numParamsReference } from './analytic';
import { loadNaslibScores } from '../validation/validate';

describe('analytic metrics', () => {
  const rows = loadNaslibScores();

  it("num_params equals NASLib's params column (×1e6) on all 4,726 architectures", () => {
    expect(rows.length).toBe(4726);
    for (const r of rows) expect(numParams(r.arch)).toBe(Math.round((r.scores['params'] as number) * 1e6));
  });

  it("flops equals NASLib's flops column (×1e6) on all 4,726 architectures", () => {
    for (const r of rows) expect(flops(r.arch)).toBe(Math.round((r.scores['flops'] as number) * 1e6));
  });

  it('closed form: the supernet has 1,699,546 parameters (docs/reference.md §1.3)', () => {
    expect(numParams(Mask.full())).toBe(1_699_546);
    // all-skip: stem conv+BN, two reduction blocks, last BN, classifier
    const skeleton = 3 * 9 * 16 + 32 + (9 * 16 * 32 + 64 + 9 * 32 * 32 + 64 + 16 * 32) + (9 * 32 * 64 + 128 + 9 * 64 * 64 + 128 + 32 * 64) + 128 + 64 * 10 + 10;
    expect(numParams(parseArch('|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'))).toBe(skeleton);
  });

  it('reference num_params reads only row 0 of the mask (docs/reference.md §9.5)', () => {
    const a = Mask.full().restrict(0, [3]);
    const b = a.restrict(1, [0]);
    expect(numParamsReference(a)).toBe(numParamsReference(b));
    expect(numParams(a)).not.toBe(numParams(b));
    expect(numParamsReference(a)).toBe(numParams(Mask.fromBits([8, 8, 8, 8, 8, 8])));
  });
});
