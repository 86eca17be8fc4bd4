import type { MlflowNames } from '@fsnas/experiments';
import { SEARCH_RESULT_METRICS } from '@fsnas/search';

/** F2's result schema: what its runs log to MLflow, as the runner writes it and the notebook reads it. */
export const F2_EXPERIMENT = 'F2-oneshot-on-splits';

/** The `family` of a search on the whole space (its `leaf` tag is `none`). */
export const FULL = 'full';

export const F2_TAGS = { algo: 'algo', family: 'family', leaf: 'leaf', dataset: 'dataset' } as const satisfies MlflowNames;

/**
 * Step 0: the search's result (the derived architecture's accuracy, its seconds), as every search logs
 * it (libs/search search-log.ts, with the per-epoch curves SEARCH_EPOCH_METRICS).
 */
export const F2_SEARCH_METRICS = SEARCH_RESULT_METRICS;

/** Step 0: the derived architecture against its leaf and the whole space. */
export const F2_RESULT_METRICS = {
  leafSize: 'leaf_size',
  leafBest: 'leaf_best',
  leafMean: 'leaf_mean',
  regretVsLeafBest: 'regret_vs_leaf_best',
  regretVsSpaceBest: 'regret_vs_space_best',
} as const satisfies MlflowNames;

export const F2_ARTIFACTS = { result: 'result.json' } as const satisfies MlflowNames;
