import { InvalidInputError, averageRanks } from '@fsnas/core';
import { NUM_ARCHS, archKey, parseArch, type Arch, type Mask } from '@fsnas/nb201';
import { accuracyColumnId, hwColumnId, loadBenchmarkColumns, type BenchmarkColumns, type LoadOptions } from './load';
import { HW_DATASETS, HW_METRICS, SPLITS_OF, type AccuracySplit, type HwDataset, type HwMetric, type Setting } from './settings';
import { sampleStats, type SampleStats } from './stats';

export interface MaskStats extends SampleStats {
  /** NATS index of the best architecture of the mask. */
  readonly bestIndex: number;
}

/** Ground truth for all 15,625 NAS-Bench-201 architectures; queries never loop over per-arch objects. */
export class Benchmark {
  private readonly ranksCache = new Map<string, Float64Array>();

  private constructor(private readonly columns: BenchmarkColumns) {}

  static load(options?: LoadOptions): Benchmark {
    return new Benchmark(loadBenchmarkColumns(options));
  }

  get size(): number {
    return NUM_ARCHS;
  }

  /** NATS index of an architecture given as index, arch string or op tuple. */
  indexOf(query: number | string | Arch): number {
    if (typeof query === 'number') {
      if (!Number.isInteger(query) || query < 0 || query >= NUM_ARCHS) throw new InvalidInputError(`NATS index must be an integer in [0, ${NUM_ARCHS}), got ${query}`);
      return query;
    }
    const arch = typeof query === 'string' ? parseArch(query) : query;
    return this.columns.indexOfKey[archKey(arch)] as number;
  }

  archString(index: number): string {
    return this.columns.archStrings[this.indexOf(index)] as string;
  }

  arch(index: number): Arch {
    return parseArch(this.archString(index));
  }

  /** Accuracy (%) of every architecture for a setting and split, indexed by NATS index. */
  accuracy(setting: Setting, split: AccuracySplit = 'test'): Float64Array {
    const column = this.columns.accuracy.get(accuracyColumnId(setting, split));
    if (!column) throw new InvalidInputError(`no '${split}' accuracy for ${setting}; available: ${SPLITS_OF[setting].join(', ')}`);
    return column;
  }

  hw(dataset: HwDataset, metric: HwMetric): Float64Array {
    const column = this.columns.hw.get(hwColumnId(dataset, metric));
    if (!column) throw new InvalidInputError(`HW-NAS-Bench costs were not loaded for ${dataset}/${metric}`);
    return column;
  }

  /** Every accuracy and HW cost of one architecture, as nested plain objects. */
  record(index: number): { accuracy: Record<string, Record<string, number>>; hw: Record<string, Record<string, number>> } {
    const i = this.indexOf(index);
    const accuracy = Object.fromEntries(
      (Object.keys(SPLITS_OF) as Setting[]).map((s) => [s, Object.fromEntries(SPLITS_OF[s].map((split) => [split, this.accuracy(s, split)[i] as number]))]),
    );
    const hw = this.columns.hw.size
      ? Object.fromEntries(HW_DATASETS.map((d) => [d, Object.fromEntries(HW_METRICS.map((m) => [m, this.hw(d, m)[i] as number]))]))
      : {};
    return { accuracy, hw };
  }

  /** NATS indices of a mask's architectures, in arch-key order. */
  indicesOf(mask: Mask): Int32Array {
    const keys = mask.keys();
    for (let i = 0; i < keys.length; i++) keys[i] = this.columns.indexOfKey[keys[i] as number] as number;
    return keys;
  }

  stats(mask: Mask, setting: Setting, split: AccuracySplit = 'test', quantiles?: readonly number[]): MaskStats {
    const values = this.accuracy(setting, split);
    const indices = this.indicesOf(mask);
    let bestIndex = indices[0] as number;
    for (const i of indices) if ((values[i] as number) > (values[bestIndex] as number)) bestIndex = i;
    return { ...sampleStats(values, indices, quantiles), bestIndex };
  }

  /** Rank of every architecture (1 = most accurate, ties averaged), indexed by NATS index. */
  ranks(setting: Setting, split: AccuracySplit = 'test'): Float64Array {
    const id = accuracyColumnId(setting, split);
    let ranks = this.ranksCache.get(id);
    if (!ranks) {
      // Negated so that rank 1 is the most accurate; ties share their mean rank.
      ranks = averageRanks(this.accuracy(setting, split).map((v) => -v));
      this.ranksCache.set(id, ranks);
    }
    return ranks;
  }

  /** The NATS index of the most accurate architecture in the whole space. */
  bestIndex(setting: Setting, split: AccuracySplit = 'test'): number {
    const values = this.accuracy(setting, split);
    let best = 0;
    for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
    return best;
  }

}
