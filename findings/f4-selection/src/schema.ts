import type { MlflowNames } from '@fsnas/experiments';

/** F4's result schema: what its runs log to MLflow, as the runner writes it and the notebook reads it. */
export const F4_EXPERIMENT = 'F4-selection';

/** The `metric` of the per-dataset summary run, which logs the figures and every family's regrets. */
export const SUMMARY = 'all';

export const F4_TAGS = { dataset: 'dataset', metric: 'metric', source: 'source' } as const satisfies MlflowNames;

/** MLflow metric keys allow letters, digits and `_ - . / :` and spaces; method names use `@`. */
const key = (method: string): string => method.replace(/[^\w.\-/: ]/g, '_');

/** Per-method metric keys: step 0 of a family's run (and the summary's mean), and one step per seed. */
export const f4MethodMetrics = (method: string) =>
  ({
    meanRegret: `mean_regret.${key(method)}`,
    stdRegret: `std_regret.${key(method)}`,
    zeroRegretRate: `zero_regret_rate.${key(method)}`,
    regret: `regret.${key(method)}`,
  }) as const;

export const F4_ARTIFACTS = { regret: 'regret.csv', skipped: 'skipped.txt' } as const satisfies MlflowNames;
