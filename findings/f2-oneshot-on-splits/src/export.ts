import { InvalidInputError, type Budget } from '@fsnas/core';
import { f2PaperTable, splittingWins, type F2Cell, type F2Search } from './analysis';
import { F2_CONFIG } from './config';
import { planF2 } from './run';

/** One search as the export records it: enough to recompute every cell that cites it. */
export interface F2ExportRun {
  readonly run_id: string;
  readonly algo: string;
  readonly family: string;
  readonly leaf: number | null;
  readonly seed: number;
  readonly accuracy: number;
  readonly valid_accuracy: number;
  readonly leaf_best: number;
  readonly leaf_mean: number;
}

export interface F2ExportCell {
  readonly family: string;
  readonly algo: string;
  readonly best_of_8: number;
  readonly mean: number;
  readonly selected: number;
  readonly std: number | null;
  readonly seeds: readonly number[];
  readonly leaves: number;
  readonly planned: number;
  readonly runs: readonly string[];
}

/** `docs/results/F2-<budget>-<dataset>.json`: the table, the runs behind each cell, and where they came from. */
export interface F2Export {
  readonly finding: 'F2-oneshot-on-splits';
  readonly budget: Budget;
  /** The commit the runs were made at (their mlflow.source.git.commit tags), or `mixed` with every one listed in `run_commits`. */
  readonly commit: string;
  readonly run_commits: readonly string[];
  readonly dataset: string;
  readonly mlflow_url: string;
  readonly cells: readonly F2ExportCell[];
  /** Per algorithm: families (with every leaf searched) whose best-of-8 beats the full space's search. */
  readonly splitting_wins: readonly { readonly algo: string; readonly wins: number; readonly families: number }[];
  readonly runs: readonly F2ExportRun[];
}

export const f2ExportName = (budget: Budget, dataset: string): string => `F2-${budget}-${dataset}`;

/** How many leaves of each family a budget's plan searches with each algorithm, with every seed (the split trees must be there). */
export function plannedLeaves(budget: Budget): (algo: string, family: string) => number {
  const leaves = new Map<string, Set<number>>();
  for (const run of planF2(F2_CONFIG[budget])) {
    const key = `${run.config.algo} ${run.config.family}`;
    if (run.config.leaf !== null) leaves.set(key, (leaves.get(key) ?? new Set()).add(run.config.leaf));
  }
  return (algo, family) => leaves.get(`${algo} ${family}`)?.size ?? 0;
}

/**
 * The export of one budget's searches on one dataset; `commits` are the runs' source commits,
 * `plannedLeaves` what the plan searches per family (default 8), so a family cut short is marked.
 */
export function f2Export(
  searches: readonly F2Search[],
  meta: { budget: Budget; dataset: string; mlflowUrl: string; commits: readonly string[]; plannedLeaves?: (algo: string, family: string) => number },
): F2Export {
  if (searches.length === 0) throw new InvalidInputError(`F2 (${meta.budget}): no finished searches to export`);
  const commits = [...new Set(meta.commits)].sort();
  const cells = f2PaperTable(searches, meta.plannedLeaves);
  return {
    finding: 'F2-oneshot-on-splits',
    budget: meta.budget,
    commit: commits.length === 1 ? (commits[0] as string) : 'mixed',
    run_commits: commits,
    dataset: meta.dataset,
    mlflow_url: meta.mlflowUrl,
    cells: cells.map(exportCell),
    splitting_wins: splittingWins(cells),
    runs: [...searches]
      .sort((a, b) => a.algo.localeCompare(b.algo) || a.family.localeCompare(b.family) || (a.leaf ?? -1) - (b.leaf ?? -1) || a.seed - b.seed)
      .map((s) => ({ run_id: s.runId, algo: s.algo, family: s.family, leaf: s.leaf, seed: s.seed, accuracy: s.accuracy, valid_accuracy: s.validAccuracy, leaf_best: s.leafBest, leaf_mean: s.leafMean })),
  };
}

function exportCell(c: F2Cell): F2ExportCell {
  return { family: c.family, algo: c.algo, best_of_8: c.bestOf8, mean: c.mean, selected: c.selected, std: c.std, seeds: c.seeds, leaves: c.leaves, planned: c.planned, runs: c.runs };
}

/** The searches an export recorded, as the table reads them: what a check of its cells recomputes from. */
export function f2SearchesOfExport(doc: F2Export): F2Search[] {
  return doc.runs.map((r) => ({ runId: r.run_id, algo: r.algo, family: r.family, leaf: r.leaf, seed: r.seed, accuracy: r.accuracy, validAccuracy: r.valid_accuracy, leafBest: r.leaf_best, leafMean: r.leaf_mean }));
}

/** The table as CSV: one row per cell, run ids separated by spaces. */
export function f2ExportCsv(doc: F2Export): string {
  const header = ['family', 'algo', 'best_of_8', 'mean', 'selected', 'std', 'seeds', 'leaves', 'planned', 'runs'];
  const rows = doc.cells.map((c) => [c.family, c.algo, c.best_of_8, c.mean, c.selected, c.std ?? '', c.seeds.join(' '), c.leaves, c.planned, c.runs.join(' ')].join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}
