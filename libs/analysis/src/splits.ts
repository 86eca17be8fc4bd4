import { InvalidInputError } from '@fsnas/core';
import { Mask, NUM_ARCHS, NUM_EDGES, NUM_OPS, archFromKey, formatArch, loadPaperSplits, type OpId } from '@fsnas/nb201';

/** One split family per name (metric): its leaf masks in leaf order. */
export type SplitFamilies = ReadonlyMap<string, readonly Mask[]>;
/** dataset -> families, the shape of the paper's splits. */
export type SplitsByDataset = ReadonlyMap<string, SplitFamilies>;

/** The families of one dataset, or a typed error listing the datasets there are. */
export function familiesOf(splits: SplitsByDataset, dataset: string): SplitFamilies {
  const families = splits.get(dataset);
  if (!families) throw new InvalidInputError(`no splits for dataset '${dataset}'; available: ${[...splits.keys()].join(', ')}`);
  return families;
}

/** The paper's masks (dataset -> metric -> 8 leaves). */
export function paperSplits(env?: NodeJS.ProcessEnv): SplitsByDataset {
  return loadPaperSplits(env);
}

/** Two leaves share architectures: "the leaf of an architecture" is ambiguous and the leaf statistics double-count. */
export class OverlappingLeavesError extends InvalidInputError {
  constructor(
    readonly source: string,
    readonly leafA: number,
    readonly leafB: number,
    readonly arch: string,
    readonly shared: number,
  ) {
    super(`${source}: leaves ${leafA} and ${leafB} overlap: architecture ${arch} is in both (${shared} shared); a split's leaves must be disjoint`);
  }
}

/** The leaves leave part of the 15,625-architecture space out (and may leave out the global best). */
export class PartialCoverError extends InvalidInputError {
  constructor(
    readonly source: string,
    readonly cover: SplitCover,
    readonly missingArch: string,
    flag: string,
  ) {
    super(
      `${source}: the ${cover.leaves} leaves cover ${cover.covered} of the ${cover.total} architectures (${(100 * cover.fraction).toFixed(1)}%); ` +
        `${missingArch} is in no leaf; pass ${flag} to analyse them anyway`,
    );
  }
}

/** How much of the NAS-Bench-201 space a family's (disjoint) leaves hold. */
export interface SplitCover {
  readonly leaves: number;
  readonly covered: number;
  readonly total: number;
  /** covered / total. */
  readonly fraction: number;
}

const lowestOp = (bits: number): OpId => (31 - Math.clz32(bits & -bits)) as OpId;
const popcount = (bits: number): number => {
  let n = 0;
  for (let op = 0; op < NUM_OPS; op++) n += (bits >> op) & 1;
  return n;
};

/**
 * The cover of a family's leaves, from their masks: an OverlappingLeavesError (naming the first two
 * leaves that share architectures and one they share) if any two intersect; else the architectures
 * they hold (disjoint, so the sum of their sizes). Works for any leaves, not only a split tree's.
 */
export function splitCover(leaves: readonly Mask[], source = 'split'): SplitCover {
  for (let a = 0; a < leaves.length; a++) {
    for (let b = a + 1; b < leaves.length; b++) {
      const common = Array.from({ length: NUM_EDGES }, (_, e) => (leaves[a] as Mask).rowBits(e) & (leaves[b] as Mask).rowBits(e));
      if (common.every((bits) => bits !== 0)) {
        throw new OverlappingLeavesError(source, a, b, formatArch(common.map(lowestOp)), common.reduce((n, bits) => n * popcount(bits), 1));
      }
    }
  }
  const covered = leaves.reduce((n, m) => n + m.size, 0);
  return { leaves: leaves.length, covered, total: NUM_ARCHS, fraction: covered / NUM_ARCHS };
}

/** An architecture (arch string) that no leaf holds, or undefined when the leaves cover the space. */
export function uncoveredArch(leaves: readonly Mask[]): string | undefined {
  const seen = new Uint8Array(NUM_ARCHS);
  for (const m of leaves) for (const key of m.keys()) seen[key] = 1;
  const key = seen.indexOf(0);
  return key < 0 ? undefined : formatArch(archFromKey(key));
}

export interface CoverOptions {
  /** Accept leaves that cover part of the space (they must still be disjoint). */
  readonly allowPartial?: boolean;
  /** How the refusal tells the user to allow a partial cover (default `allowPartial`; the CLI: `--allow-partial`). */
  readonly flag?: string;
}

/** splitCover, and a PartialCoverError when the leaves leave architectures out, unless `allowPartial`. */
export function checkSplitCover(leaves: readonly Mask[], source: string, options: CoverOptions = {}): SplitCover {
  const cover = splitCover(leaves, source);
  if (cover.covered < cover.total && !options.allowPartial) throw new PartialCoverError(source, cover, uncoveredArch(leaves) ?? '?', options.flag ?? 'allowPartial');
  return cover;
}
