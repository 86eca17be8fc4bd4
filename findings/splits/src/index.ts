import type { Budget } from '@fsnas/core';
import { computedSplitSources, datasetsWithImages, type Finding } from '@fsnas/experiments';
import { executeSplits, planSplits, type SplitsRunConfig } from './run';
import { SPLITS_EXPERIMENT } from './schema';

export * from './compute';
export * from './run';
export * from './schema';

/** The splits stage: runs first, so the findings after it read the computed trees from the cache. */
export const finding: Finding<SplitsRunConfig> = {
  id: SPLITS_EXPERIMENT,
  claim: "The project's metric-driven splitter, run with every metric, gives the split trees the findings compare with the paper's.",
  order: 0,
  describeBudget(budget: Budget): string {
    const sources = computedSplitSources(budget, datasetsWithImages());
    const metrics = [...new Set(sources.map((s) => s.metric))];
    return `${metrics.length} split trees per dataset with images (${datasetsWithImages().join(', ') || 'none found'}): ${metrics.join(', ')}; ${budget === 'smoke' ? 'tiny metric networks and batches, seconds each' : "the paper's setting (8 leaves, edges 0, 1, 2, reference fidelity, seed 888)"}; cached by key, resumable`;
  },
  plan: (budget) => planSplits(computedSplitSources(budget, datasetsWithImages())),
  parallel: true,
  async execute(planned, { run, outDir, inputs }) {
    await executeSplits(planned.config, run, outDir, inputs.splits(), () => inputs.cifar10());
  },
};
