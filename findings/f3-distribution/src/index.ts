import type { Budget } from '@fsnas/core';
import { SPLITS_STAGE, computedSplitSources, type Finding } from '@fsnas/experiments';
import { F3_CONFIG } from './config';
import { executeF3, planF3, type F3RunConfig } from './run';
import { F3_EXPERIMENT } from './schema';

export * from './analysis';
export * from './config';
export * from './run';
export * from './schema';

export const finding: Finding<F3RunConfig> = {
  id: F3_EXPERIMENT,
  claim: 'Architectures are distributed in disadvantageous ways inside splits.',
  order: 30,
  requires: [SPLITS_STAGE],
  describeBudget(budget: Budget): string {
    const c = F3_CONFIG[budget];
    const ours = computedSplitSources(budget).length;
    return `${c.datasets.join(', ')} × (${c.metrics === 'all' ? 'all 10 paper families' : c.metrics.join(', ')}, and beside them our ${ours} splits from the splits stage), one run per family plus a per-dataset summary with figures${c.png ? ' (PNG via Chromium)' : ' (HTML only)'}; benchmark look-ups only, seconds per run`;
  },
  plan: (budget) => planF3(F3_CONFIG[budget], computedSplitSources(budget)),
  async execute(planned, { run, outDir, inputs }) {
    await executeF3(planned.config, run, outDir, inputs);
  },
};
