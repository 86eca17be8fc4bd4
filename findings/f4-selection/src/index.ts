import type { Budget } from '@fsnas/core';
import { SPLITS_STAGE, computedSplitSources, type Finding } from '@fsnas/experiments';
import { F4_CONFIG } from './config';
import { executeF4, planF4, type F4RunConfig } from './run';
import { F4_EXPERIMENT } from './schema';

export * from './analysis';
export * from './config';
export * from './run';
export * from './schema';

export const finding: Finding<F4RunConfig> = {
  id: F4_EXPERIMENT,
  claim: 'The proposed sub-supernet selection methods are flawed.',
  order: 40,
  requires: [SPLITS_STAGE],
  describeBudget(budget: Budget): string {
    const c = F4_CONFIG[budget];
    return `${c.datasets.join(', ')} × (${c.metrics === 'all' ? 'all 10 paper families' : c.metrics.join(', ')}, and beside them our ${computedSplitSources(budget).length} splits from the splits stage); methods oracle, random, best-mean@${c.samples}, successive halving (max/mean), zero-cost ${c.proxy ?? '(off)'}; ${c.seeds} seeds; benchmark look-ups only`;
  },
  plan: (budget) => planF4(F4_CONFIG[budget], computedSplitSources(budget)),
  async execute(planned, { run, outDir, inputs }) {
    await executeF4(planned.config, run, outDir, inputs);
  },
};
