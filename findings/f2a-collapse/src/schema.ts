import type { MlflowNames } from '@fsnas/experiments';
import { SEARCH_EPOCH_METRICS } from '@fsnas/search';

/** F2a-collapse's result schema: what its runs log to MLflow, as the runner writes it and the notebook reads it. */
export const COLLAPSE_EXPERIMENT = 'F2a-collapse';

/** The `family` of a search on the whole space (its `leaf` tag is `none`). */
export const FULL = 'full';

/** `net` is `C<C>N<N>`. */
export const COLLAPSE_TAGS = { family: 'family', leaf: 'leaf', net: 'net', seed: 'seed', dataset: 'dataset' } as const satisfies MlflowNames;

/** Per epoch (step = epoch), as every search logs them (libs/search search-log.ts); the trajectories read these. */
export const COLLAPSE_EPOCH_METRICS = {
  accuracy: SEARCH_EPOCH_METRICS.accuracy,
  paramFreeOps: SEARCH_EPOCH_METRICS.paramFreeOps,
  alphaEntropy: SEARCH_EPOCH_METRICS.alphaEntropyMean,
  seconds: SEARCH_EPOCH_METRICS.seconds,
} as const satisfies MlflowNames;

/** Step 0: the collapse summary of one search (analysis.ts collapseSummary). */
export const COLLAPSE_RESULT_METRICS = {
  /** First epoch from which the derived cell keeps ≥ COLLAPSE_THRESHOLD parameter-free ops to the end; NaN if never. */
  onsetEpoch: 'collapse_onset_epoch',
  onsetStep: 'collapse_onset_step',
  onsetSeconds: 'collapse_onset_seconds',
  peakAccuracy: 'peak_accuracy',
  peakEpoch: 'peak_epoch',
  finalAccuracy: 'final_accuracy',
  finalParamFreeOps: 'final_param_free_ops',
  stepsPerEpoch: 'steps_per_epoch',
} as const satisfies MlflowNames;

export const COLLAPSE_ARTIFACTS = { result: 'result.json' } as const satisfies MlflowNames;
