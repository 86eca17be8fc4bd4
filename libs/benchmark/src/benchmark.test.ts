import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CorruptDataError, resolveDataFile } from '@fsnas/core';
import { Mask, NUM_ARCHS, archFromKey, formatArch, loadPaperSplits } from '@fsnas/nb201';
import { beforeAll, describe, expect, it } from 'vitest';
import { Benchmark, quantileOfSorted, sampleStats } from './index';

let bench: Benchmark;
beforeAll(() => {
  bench = Benchmark.load();
});

describe('Benchmark tables', () => {
  it('reads the Edge TPU latency the HW-NAS-Bench export marks -1 (not measured) as NaN, not as a cost', () => {
    // Row 6 is one of the 4,699 architectures per dataset without an Edge TPU measurement.
    expect(bench.hw('cifar10', 'edgetpu_latency')[6]).toBeNaN();
    expect(bench.hw('cifar10', 'edgetpu_latency').filter(Number.isNaN).length).toBe(4699);
    expect(Math.min(...bench.hw('cifar10', 'edgetpu_latency').filter((x) => !Number.isNaN(x)))).toBeGreaterThan(0);
  });

  it('reads the published maxima of the NATS settings', () => {
    const max = (xs: Float64Array) => xs.reduce((m, x) => Math.max(m, x), -Infinity);
    expect(max(bench.accuracy('cifar10')).toFixed(2)).toBe('94.37');
    expect(max(bench.accuracy('cifar100')).toFixed(2)).toBe('73.51');
    expect(max(bench.accuracy('ImageNet16-120')).toFixed(2)).toBe('47.31');
  });

  it('maps NATS index 0 to the documented architecture, and back', () => {
    const index0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';
    expect(bench.archString(0)).toBe(index0);
    expect(bench.indexOf(index0)).toBe(0);
    for (let key = 0; key < NUM_ARCHS; key += 97) {
      const arch = archFromKey(key);
      expect(bench.archString(bench.indexOf(arch))).toBe(formatArch(arch));
    }
  });

  it('returns every accuracy and cost of one architecture', () => {
    const r = bench.record(1);
    expect(Object.keys(r.accuracy)).toEqual(['cifar10', 'cifar10-valid', 'cifar100', 'ImageNet16-120']);
    expect(r.accuracy['cifar10-valid']).toMatchObject({ train: expect.any(Number), valid: expect.any(Number), test: expect.any(Number) });
    expect(r.accuracy['cifar10']?.['test']).toBeCloseTo(93.66, 2);
    expect(r.hw['cifar10']?.['edgegpu_latency']).toBeCloseTo(6.547689437866211, 10);
  });

  it('computes mask statistics that match a direct loop over the mask', () => {
    const mask = Mask.full().restrict(0, [3]).restrict(1, [1, 2]);
    const s = bench.stats(mask, 'cifar100');
    const values = [...mask.archs()].map((a) => bench.accuracy('cifar100')[bench.indexOf(a)] as number);
    expect(s.size).toBe(values.length);
    expect(s.mean).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 10);
    expect(s.max).toBe(Math.max(...values));
    expect(bench.accuracy('cifar100')[s.bestIndex]).toBe(s.max);
    const sorted = Float64Array.from(values).sort();
    expect(s.median).toBe(quantileOfSorted(sorted, 0.5));
  });

  it('ranks the best architecture first and averages ties', () => {
    const ranks = bench.ranks('cifar10');
    const accuracy = bench.accuracy('cifar10');
    const best = bench.bestIndex('cifar10');
    const tiedAtTop = accuracy.filter((a) => a === accuracy[best]).length;
    expect(ranks[best]).toBe((1 + tiedAtTop) / 2);
    expect(ranks.reduce((s, r) => s + r, 0)).toBe((NUM_ARCHS * (NUM_ARCHS + 1)) / 2);
  });

  it('has statistics for every paper family', () => {
    for (const [dataset, byMetric] of loadPaperSplits()) {
      const setting = dataset as 'cifar10' | 'cifar100' | 'ImageNet16-120';
      for (const [, leaves] of byMetric) {
        const total = leaves.reduce((n, leaf) => n + bench.stats(leaf, setting).size, 0);
        expect(total).toBe(NUM_ARCHS);
        expect(Math.max(...leaves.map((leaf) => bench.stats(leaf, setting).max))).toBe(bench.stats(Mask.full(), setting).max);
      }
    }
  });
});

describe('sampleStats', () => {
  it('matches numpy linear-interpolation quantiles', () => {
    const s = sampleStats(Float64Array.of(1, 2, 3, 4), undefined, [0.25, 0.9]);
    expect(s.quantiles).toEqual({ '0.25': 1.75, '0.9': 3.7 });
    expect(s.median).toBe(2.5);
    expect(s.std).toBeCloseTo(Math.sqrt(1.25), 12);
  });
});

describe('corrupt tables', () => {
  const TABLES = [
    'nb201/nats_tss_test_acc_200ep.csv',
    ...['cifar10-valid', 'cifar100', 'ImageNet16-120'].map((s) => `nb201/nb201_v1_1_${s}.csv`),
    ...['cifar10', 'cifar100', 'ImageNet16-120'].map((d) => `nb201/hw_nas_bench_${d}.csv`),
  ];

  /** A temp data folder holding copies of the tables, one of them edited; loading it is the returned function. */
  function withCorrupt(table: string, edit: (lines: string[]) => void, hw = false): () => Benchmark {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-bench-'));
    mkdirSync(join(dir, 'nb201'));
    for (const t of TABLES.filter((t) => hw || !t.includes('hw_nas_bench'))) {
      if (t !== table) copyFileSync(resolveDataFile(t), join(dir, t));
    }
    const lines = readFileSync(resolveDataFile(table), 'utf8').split('\n');
    edit(lines);
    writeFileSync(join(dir, table), lines.join('\n'));
    return () => Benchmark.load({ hw, env: { FSNAS_DATA_DIR: dir } });
  }
  const withCorruptNats = (edit: (lines: string[]) => void) => withCorrupt('nb201/nats_tss_test_acc_200ep.csv', edit);
  /** Replace the cell of `column` (0-based) on `line` (0-based, header = 0). */
  const setCell = (line: number, column: number, value: string) => (lines: string[]) => {
    const cells = lines[line]!.split(',');
    cells[column] = value;
    lines[line] = cells.join(',');
  };

  it('rejects an accuracy above 100, naming file, line, row, column and value', () => {
    const load = withCorruptNats(setCell(6, 0, '150'));
    expect(load).toThrow(CorruptDataError);
    expect(load).toThrow(/nats_tss_test_acc_200ep\.csv:7: row 5, column 'CIFAR10TestAccuracy200Epochs': 150 is outside \[0, 100\] \(accuracy, %\)/);
  });

  it('rejects a negative accuracy in a NAS-Bench-201 v1_1 table', () => {
    const load = withCorrupt('nb201/nb201_v1_1_cifar100.csv', setCell(3, 5, '-0.5'));
    expect(load).toThrow(/nb201_v1_1_cifar100\.csv:4: row 2, column 'train accuracy': -0\.5 is outside \[0, 100\]/);
  });

  it('rejects a repeated or missing index in the file id column', () => {
    const load = withCorrupt('nb201/nb201_v1_1_cifar10-valid.csv', setCell(3, 0, '1'));
    expect(load).toThrow(/nb201_v1_1_cifar10-valid\.csv:4: row 2, column 'file id': 1 is not the row's index 2/);
  });

  it('rejects an infinite value', () => {
    const load = withCorruptNats(setCell(2, 1, 'Infinity'));
    expect(load).toThrow(/:3: column 'CIFAR100TestAccuracy200Epochs' is not a finite number: "Infinity"/);
  });

  it('rejects a negative hardware cost', () => {
    // Cells of the HW tables start with the quoted 6-tuple "(a, b, …)", which holds 5 commas.
    const load = withCorrupt('nb201/hw_nas_bench_cifar100.csv', setCell(9, 6 + 1, '-3.5'), true);
    expect(load).toThrow(/hw_nas_bench_cifar100\.csv:10: row 8, column 'edgegpu_energy': -3\.5 is outside \[0, ∞\) \(energy, mJ\)/);
  });

  it('names file and line of a non-numeric value', () => {
    const load = withCorruptNats((lines) => {
      lines[5] = lines[5]!.replace(/^[^,]+/, 'abc');
    });
    expect(load).toThrow(CorruptDataError);
    expect(load).toThrow(/nats_tss_test_acc_200ep\.csv:6: column 'CIFAR10TestAccuracy200Epochs' is not a finite number/);
  });

  it('names file and line of a row with a missing column', () => {
    const load = withCorruptNats((lines) => {
      lines[10] = lines[10]!.split(',').slice(1).join(',');
    });
    expect(load).toThrow(/:11: expected 5 columns/);
  });

  it('rejects a duplicate architecture', () => {
    const load = withCorruptNats((lines) => {
      lines[3] = lines[2]!;
    });
    expect(load).toThrow(/:4: duplicate architecture/);
  });

  it('rejects an unknown architecture', () => {
    const load = withCorruptNats((lines) => {
      lines[7] = lines[7]!.replace(/\|[a-z0-9_]+~0\|/, '|max_pool_3x3~0|');
    });
    expect(load).toThrow(/:8: invalid NB201 arch string .*unknown op 'max_pool_3x3'/);
  });

  it('fails when two files disagree on the index order', () => {
    const load = withCorruptNats((lines) => {
      [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    });
    expect(load).toThrow(/nb201_v1_1_cifar10-valid\.csv:2: row 0 lists .* the files disagree on the index order/);
  });
});
