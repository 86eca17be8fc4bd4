import { SPLITS_STAGE, type MlflowNames } from '@fsnas/experiments';

/** The splits stage's result schema: what its runs log to MLflow, for the runner and whoever reads them. */
export const SPLITS_EXPERIMENT = SPLITS_STAGE;

/** Tags of a split's run: the source's fields, its label and its cache key. */
export const SPLITS_TAGS = { metric: 'metric', dataset: 'dataset', seed: 'seed', fidelity: 'fidelity', warmup: 'warmup', source: 'source', key: 'key' } as const satisfies MlflowNames;

/** Step 0 of a split's run: its cost, and whether the tree came from the cache. */
export const SPLITS_METRICS = {
  totalSeconds: 'seconds_total',
  evaluations: 'metric_evaluations',
  candidates: 'candidates_scored',
  computedNodes: 'nodes_computed',
  resumedNodes: 'nodes_resumed',
  leaves: 'leaves',
  reused: 'reused_from_cache',
} as const satisfies MlflowNames;

/** Seconds of the nodes computed on one level, one step per level (step = level). */
export const SPLITS_LEVEL_METRICS = { seconds: 'seconds_level' } as const satisfies MlflowNames;

export const SPLITS_ARTIFACTS = { tree: 'split-tree.json', timing: 'timing.json' } as const satisfies MlflowNames;
