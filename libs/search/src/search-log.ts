import { NUM_EDGES } from '@fsnas/nb201';
import type { SearchResult } from './search';

/**
 * The MLflow names of one search: its curves, one step per epoch (step = epoch), and its result at
 * step 0. `fsnas search --mlflow` and F2's runs log a search through `logSearch`, so a search looks
 * the same in both experiments.
 */
export const SEARCH_EPOCH_METRICS = {
  trainLoss: 'train_loss',
  trainAcc: 'train_acc',
  validLoss: 'valid_loss',
  validAcc: 'valid_acc',
  lr: 'lr',
  accuracy: 'nb201_accuracy',
  maskSize: 'mask_size',
  seconds: 'epoch_seconds',
  paramFreeOps: 'param_free_ops',
  alphaEntropyMean: 'alpha_entropy_mean',
} as const;

/** Per epoch: α's entropy on edge e (nats over the ops the mask allows), `alpha_entropy_e<e>`. */
export const ALPHA_ENTROPY_EDGE_METRICS: readonly string[] = Array.from({ length: NUM_EDGES }, (_, e) => `alpha_entropy_e${e}`);

export const SEARCH_RESULT_METRICS = { accuracy: 'accuracy_test', seconds: 'search_seconds' } as const;

/** Where a search is logged: an MLflow run, or a recorder of one. */
export interface SearchLogSink {
  logMetrics(values: Readonly<Record<string, number>>, step: number): Promise<void>;
}

/**
 * Log a finished search: every epoch (restored epochs of a resumed search too: the record is the
 * result's, not what ran in this process) and the derived architecture's accuracy (NaN without a
 * benchmark look-up).
 */
export async function logSearch(sink: SearchLogSink, result: Pick<SearchResult, 'epochs' | 'accuracy' | 'seconds'>): Promise<void> {
  const names = SEARCH_EPOCH_METRICS;
  for (const e of result.epochs) {
    await sink.logMetrics(
      {
        [names.trainLoss]: e.trainLoss,
        [names.trainAcc]: e.trainAcc,
        [names.validLoss]: e.validLoss,
        [names.validAcc]: e.validAcc,
        [names.lr]: e.lr,
        [names.accuracy]: e.accuracy ?? Number.NaN,
        [names.maskSize]: e.maskSize,
        [names.seconds]: e.seconds,
        [names.paramFreeOps]: e.paramFreeOps,
        [names.alphaEntropyMean]: e.alphaEntropy.reduce((a, b) => a + b, 0) / e.alphaEntropy.length,
        ...Object.fromEntries(e.alphaEntropy.map((h, i) => [ALPHA_ENTROPY_EDGE_METRICS[i], h])),
      },
      e.epoch,
    );
  }
  await sink.logMetrics({ [SEARCH_RESULT_METRICS.accuracy]: result.accuracy ?? Number.NaN, [SEARCH_RESULT_METRICS.seconds]: result.seconds }, 0);
}
