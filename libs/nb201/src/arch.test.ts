import { describe, expect, it } from 'vitest';
import { ArchStringError, NUM_ARCHS, archFromKey, archKey, archOpNames, edgeLabel, formatArch, parseArch } from './index';

const INDEX0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

describe('arch strings', () => {
  it('parses edges in arch-string order with op ids in the fixed op order', () => {
    expect(parseArch(INDEX0)).toEqual([4, 2, 1, 2, 1, 1]);
    expect(archOpNames(parseArch(INDEX0))).toEqual(['avg_pool_3x3', 'nor_conv_1x1', 'skip_connect', 'nor_conv_1x1', 'skip_connect', 'skip_connect']);
    expect([0, 1, 2, 3, 4, 5].map(edgeLabel)).toEqual(['1<-0', '2<-0', '2<-1', '3<-0', '3<-1', '3<-2']);
  });

  it('round-trips all 15,625 architectures through string and key', () => {
    const seen = new Set<string>();
    for (let key = 0; key < NUM_ARCHS; key++) {
      const arch = archFromKey(key);
      const text = formatArch(arch);
      expect(parseArch(text)).toEqual(arch);
      expect(archKey(parseArch(text))).toBe(key);
      seen.add(text);
    }
    expect(seen.size).toBe(NUM_ARCHS);
  });

  it('keeps none as an op (the reference arch2alphas bug drops it)', () => {
    const s = '|none~0|+|none~0|none~1|+|none~0|none~1|none~2|';
    expect(parseArch(s)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(formatArch([0, 0, 0, 0, 0, 0])).toBe(s);
  });

  const malformed: [string, string, RegExp][] = [
    ['empty string', '', /empty/],
    ['wrong node count', '|none~0|+|none~0|none~1|', /2 node group/],
    ['too many nodes', `${INDEX0}+|none~0|`, /4 node group/],
    ['unknown op', INDEX0.replace('avg_pool_3x3', 'max_pool_3x3'), /unknown op 'max_pool_3x3'/],
    ['wrong input index', INDEX0.replace('skip_connect~1|+', 'skip_connect~0|+'), /must read input ~1/],
    ['missing bars', INDEX0.slice(1), /must start and end with '\|'/],
    ['missing inner bar', INDEX0.replace('nor_conv_1x1~0|skip', 'nor_conv_1x1~0skip'), /input|op~k/],
    ['extra whitespace', ` ${INDEX0}`, /whitespace/],
    ['inner whitespace', INDEX0.replace('|+|', '| + |'), /whitespace/],
    ['missing ~k', INDEX0.replace('avg_pool_3x3~0', 'avg_pool_3x3'), /op~k/],
    ['too many inputs in a node', INDEX0.replace('|+|nor_conv_1x1~0|skip_connect~1|+', '|+|nor_conv_1x1~0|skip_connect~1|none~2|+'), /3 input/],
  ];
  it.each(malformed)('rejects %s with a typed error', (_name, input, reason) => {
    expect(() => parseArch(input)).toThrow(ArchStringError);
    expect(() => parseArch(input)).toThrow(reason);
  });

  it('rejects invalid op tuples and keys', () => {
    expect(() => formatArch([0, 1, 2, 3, 4])).toThrow(/6 op ids/);
    expect(() => formatArch([0, 1, 2, 3, 4, 5] as never)).toThrow(/6 op ids/);
    expect(() => archFromKey(NUM_ARCHS)).toThrow(/arch key/);
    expect(() => archFromKey(-1)).toThrow(/arch key/);
  });
});
