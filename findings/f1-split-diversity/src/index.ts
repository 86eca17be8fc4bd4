import type { Budget } from '@fsnas/core';
import { SPLITS_STAGE, computedSplitSources, type Finding } from '@fsnas/experiments';
import { F1_CONFIG } from './config';
import { executeF1, planF1, type F1RunConfig } from './run';
import { F1_EXPERIMENT } from './schema';

export * from './analysis';
export * from './config';
export * from './run';
export * from './schema';

export const finding: Finding<F1RunConfig> = {
  id: F1_EXPERIMENT,
  claim: 'Different metrics split the search space in different ways.',
  order: 10,
  requires: [SPLITS_STAGE],
  describeBudget(budget: Budget): string {
    const c = F1_CONFIG[budget];
    const ours = computedSplitSources(budget);
    return `${c.datasets.join(', ')}: level groups of every paper family, family×family split distances (op groups per level, normalised VI of leaf sets); ${ours.length} of our splits (the splits stage's) against the paper's, metric by metric${c.png ? ', PNG via Chromium' : ', HTML only'}`;
  },
  plan: (budget) => planF1(F1_CONFIG[budget], computedSplitSources(budget)),
  async execute(planned, { run, outDir, inputs }) {
    await executeF1(planned.config, run, outDir, inputs);
  },
};
