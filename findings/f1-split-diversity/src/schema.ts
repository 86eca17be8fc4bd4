import type { MlflowNames } from '@fsnas/experiments';

/** F1's result schema: what its runs log to MLflow, as the runner writes it and the notebook reads it. */
export const F1_EXPERIMENT = 'F1-split-diversity';

export const F1_TAGS = { dataset: 'dataset', source: 'source' } as const satisfies MlflowNames;

/** Step 0: how diverse the paper's families are (pairwise means over the paper's families only). */
export const F1_METRICS = {
  families: 'families',
  distinctLevel0Groupings: 'distinct_level0_groupings',
  meanGroupDistance: 'mean_group_distance',
  meanLeafsetDistance: 'mean_leafset_distance',
} as const satisfies MlflowNames;

/** Step 0, per level l: the paper families' mean group distance on that level. */
export const f1LevelMetric = (level: number): string => `mean_group_distance_level${level}`;

/** Step 0: our splits against the paper's (means over our splits that have a paper counterpart) and among themselves. */
export const F1_OURS_METRICS = {
  ourSplits: 'our_splits',
  comparedWithPaper: 'ours_compared_with_paper',
  sameLeafSetAsPaper: 'ours_same_leaf_set_as_paper',
  meanDistanceToPaper: 'ours_mean_distance_to_paper',
  meanLeafsetDistanceAmongOurs: 'ours_mean_leafset_distance',
} as const satisfies MlflowNames;

/** Step = level: one of our splits' distance to the paper's split of its metric. */
export const f1OursVsPaperMetric = (metric: string): string => `ours_vs_paper_distance.${metric}`;

export const F1_ARTIFACTS = {
  levelGroups: 'level-groups.csv',
  groupDistance: 'group-distance.csv',
  leafsetDistance: 'leafset-distance.csv',
  oursVsPaper: 'ours-vs-paper.csv',
} as const satisfies MlflowNames;

export const f1LevelDistanceArtifact = (level: number): string => `group-distance-level${level}.csv`;
