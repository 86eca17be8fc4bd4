import type { MlflowNames } from '@fsnas/experiments';
import type { F3RunConfig } from './run';

/** F3's result schema: what its runs log to MLflow, as the runner writes it and the notebook reads it. */
export const F3_EXPERIMENT = 'F3-distribution';

/** The `metric` of the per-dataset summary run, which logs the figures and the tables of every family. */
export const SUMMARY = 'all';

export const F3_TAGS = { dataset: 'dataset', metric: 'metric', source: 'source' } as const satisfies MlflowNames;

/** The logged params: the run config's fields (and the runner's finding and budget). */
export const F3_PARAMS = { dataset: 'dataset', metric: 'metric', source: 'source', png: 'png', ours: 'ours' } as const satisfies Record<keyof F3RunConfig, string>;

/** A family's run, step 0: does the leaf with the best mean hold the best architectures? */
export const F3_FAMILY_METRICS = {
  bestLeafByMean: 'best_leaf_by_mean',
  leafHoldingBest: 'leaf_holding_best',
  bestMeanHoldsBest: 'best_mean_leaf_holds_best',
  meanRankOfBestLeaf: 'mean_rank_of_leaf_holding_best',
  top1ShareOfBestMeanLeaf: 'top1_share_of_best_mean_leaf',
  top5ShareOfBestMeanLeaf: 'top5_share_of_best_mean_leaf',
  top1MaxShare: 'top1_max_share',
  meanSpread: 'mean_spread',
  minSize: 'min_leaf_size',
  maxSize: 'max_leaf_size',
  spearmanMeanVsMax: 'spearman_mean_vs_max',
  kendallMeanVsMax: 'kendall_mean_vs_max',
} as const satisfies MlflowNames;

/** A family's run, one step per leaf (step = leaf index): curves across the leaves. */
export const F3_LEAF_METRICS = {
  size: 'leaf_size',
  mean: 'leaf_mean',
  median: 'leaf_median',
  max: 'leaf_max',
  top1pct: 'leaf_top1pct',
  top5pct: 'leaf_top5pct',
  holdsBest: 'leaf_holds_best',
} as const satisfies MlflowNames;

/** The summary run, step 0: the same questions over every family of the dataset. */
export const F3_SUMMARY_METRICS = {
  families: 'families',
  shareBestMeanHoldsBest: 'share_best_mean_leaf_holds_best',
  meanTop1ShareOfBestMeanLeaf: 'mean_top1_share_of_best_mean_leaf',
  meanRankOfBestLeaf: 'mean_rank_of_leaf_holding_best',
} as const satisfies MlflowNames;

/** The summary run, step 0: the same questions over our splits (the splits stage's), when the run has them. */
export const F3_OURS_SUMMARY_METRICS = {
  families: 'ours_families',
  shareBestMeanHoldsBest: 'ours_share_best_mean_leaf_holds_best',
  meanTop1ShareOfBestMeanLeaf: 'ours_mean_top1_share_of_best_mean_leaf',
  meanRankOfBestLeaf: 'ours_mean_rank_of_leaf_holding_best',
} as const satisfies MlflowNames;

/** Files of every run: one row per (family, leaf) (F3LeafRow) and one per family (F3MetricRow). */
export const F3_ARTIFACTS = { leaves: 'leaves.csv', metrics: 'metrics.csv' } as const satisfies MlflowNames;

/** The summary run's figures (HTML, and PNG where the budget renders them). */
export const f3FigureNames = (dataset: string) =>
  ({
    accuracyBoxes: `f3-accuracy-boxes-${dataset}`,
    leafSizes: `f3-leaf-sizes-${dataset}`,
    topArchs: `f3-top-archs-${dataset}`,
    leafMeans: `f3-leaf-means-${dataset}`,
  }) as const;
