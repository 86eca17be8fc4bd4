import { InvalidInputError } from '@fsnas/core';
import { groupedBarFigure, tableFigure, type FigureSpec } from '@fsnas/analysis';

/** One finished F2 search: what a notebook reads back from the run's tags and metrics. */
export interface F2Search {
  readonly algo: string;
  /** 'full' or a split family. */
  readonly family: string;
  /** Leaf index; null on the full space. */
  readonly leaf: number | null;
  /** Benchmark accuracy of the derived architecture. */
  readonly accuracy: number;
  /** Best and mean benchmark accuracy of the searched (sub-)space. */
  readonly leafBest: number;
  readonly leafMean: number;
}

/** Splitting against not splitting, for one algorithm and one split family. */
export interface F2Row {
  readonly algo: string;
  readonly family: string;
  /** Derived accuracy of the same algorithm on the full space. */
  readonly full: number;
  readonly leaves: number;
  readonly meanDerived: number;
  /** Best derived accuracy over the leaves (an oracle choice of leaf: what perfect selection would give). */
  readonly bestDerived: number;
  /** Mean over leaves of (leaf best − derived): how far search falls short inside a leaf. */
  readonly meanRegretInLeaf: number;
  /** Leaves whose derived architecture beats the full-space search. */
  readonly leavesBeatingFull: number;
}

/**
 * The F2 table: for each algorithm and family, the full-space baseline next to the leaves' derived
 * accuracies and the best accuracy each leaf holds. Families without a full-space run of the same
 * algorithm cannot be compared and are an error, not a silent gap.
 */
export function f2Table(searches: readonly F2Search[]): F2Row[] {
  const seen = new Set<string>();
  for (const s of searches) {
    const key = `${s.algo} ${s.family} ${s.leaf ?? 'full'}`;
    if (seen.has(key)) throw new InvalidInputError(`F2: two searches of ${key}; were runs of several budgets mixed? Select one budget's runs`);
    seen.add(key);
  }
  const fullOf = new Map(searches.filter((s) => s.leaf === null).map((s) => [s.algo, s.accuracy]));
  const groups = new Map<string, F2Search[]>();
  for (const s of searches) {
    if (s.leaf === null) continue;
    const key = `${s.algo}\u0000${s.family}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return [...groups.values()].map((leaves) => {
    const { algo, family } = leaves[0] as F2Search;
    const full = fullOf.get(algo);
    if (full === undefined) throw new InvalidInputError(`F2: ${algo} has leaf searches on ${family} but no full-space search to compare with`);
    const derived = leaves.map((l) => l.accuracy);
    return {
      algo,
      family,
      full,
      leaves: leaves.length,
      meanDerived: mean(derived),
      bestDerived: Math.max(...derived),
      meanRegretInLeaf: mean(leaves.map((l) => l.leafBest - l.accuracy)),
      leavesBeatingFull: derived.filter((a) => a > full).length,
    };
  });
}

/** One algorithm on one split: each leaf's derived accuracy against the leaf's best, with the full-space search as a line. */
export function f2LeafFigure(searches: readonly F2Search[], algo: string, family: string): FigureSpec {
  const leaves = searches.filter((s) => s.algo === algo && s.family === family && s.leaf !== null).sort((a, b) => (a.leaf as number) - (b.leaf as number));
  if (leaves.length === 0) throw new InvalidInputError(`F2: no ${algo} searches on the leaves of ${family}`);
  const full = searches.find((s) => s.algo === algo && s.leaf === null);
  const categories = leaves.map((s) => `leaf ${s.leaf}`);
  return groupedBarFigure({
    title: `${algo} on the ${family} split: derived architecture per leaf vs the leaf's best (CIFAR-10 test accuracy)`,
    categories,
    series: [
      { name: 'derived in leaf', values: leaves.map((s) => s.accuracy) },
      { name: 'best in leaf', values: leaves.map((s) => s.leafBest) },
    ],
    yTitle: 'accuracy (%)',
    // NB201 accuracies sit a few points below 95 %: an axis from 0 would flatten every difference.
    yRange: [Math.floor(Math.min(...leaves.map((s) => s.accuracy), full?.accuracy ?? 100)) - 2, Math.ceil(Math.max(...leaves.map((s) => s.leafBest))) + 1],
    ...(full ? { reference: { name: `${algo} on the full space`, value: full.accuracy } } : {}),
  });
}

export function f2TableFigure(rows: readonly F2Row[]): FigureSpec {
  return tableFigure({
    title: 'F2: one-shot search on the full space vs on each leaf (CIFAR-10 test accuracy, %)',
    header: ['algorithm', 'split', 'full space', 'leaves', 'mean derived', 'best derived', 'mean regret in leaf', 'leaves > full'],
    rows: rows.map((r) => [r.algo, r.family, r.full.toFixed(2), r.leaves, r.meanDerived.toFixed(2), r.bestDerived.toFixed(2), r.meanRegretInLeaf.toFixed(2), `${r.leavesBeatingFull}/${r.leaves}`]),
  });
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
