import { Rng, type Budget } from '@fsnas/core';
import type { Mask } from '@fsnas/nb201';
import { NB201Network } from '@fsnas/nn';
import { budgetConfig } from './budgets';
import type { SearchData } from './data';
import { runSearch } from './search';

export interface WarmupOptions {
  readonly mask: Mask;
  readonly budget: Budget;
  readonly data: SearchData;
  readonly seed: number;
  /** Continue from these weights (the parent node's warm-up) instead of a fresh init. */
  readonly from?: NB201Network;
  readonly progress?: boolean;
}

/**
 * Warm-up of a (sub-)supernet between split levels (docs/reference.md §3.6): the budget's supernet
 * training with uniform random single-path sampling (the RSPS weight step), starting from the parent's
 * trained weights when given. Returns a new network (the caller disposes it) of the budget's C and N,
 * so the metric that reads it must build its networks with the same shape.
 */
export async function warmupSupernet(options: WarmupOptions): Promise<NB201Network> {
  const config = budgetConfig(options.budget, { algo: 'rsps', mask: options.mask.toRows(), seed: new Rng(options.seed).nextUint32() });
  let trained: NB201Network | undefined;
  await runSearch(config, {
    data: options.data,
    progress: options.progress ?? true,
    ...(options.from ? { initWeights: (net: NB201Network) => net.copyFrom(options.from as NB201Network) } : {}),
    onTrained: (net) => {
      trained = new NB201Network(options.mask, { ...config.net, affine: false, seed: config.seed });
      trained.copyFrom(net);
    },
  });
  return trained as NB201Network;
}
