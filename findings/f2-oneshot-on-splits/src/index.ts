import type { Budget } from '@fsnas/core';
import { SPLITS_STAGE, type Finding } from '@fsnas/experiments';
import { BUDGET_SPECS } from '@fsnas/search';
import { describeSplitSource } from '@fsnas/splitting';
import { F2_CONFIG } from './config';
import { executeF2, planF2, type F2RunConfig } from './run';
import { F2_EXPERIMENT } from './schema';

export * from './analysis';
export * from './config';
export * from './export';
export * from './run';
export * from './schema';

export const finding: Finding<F2RunConfig> = {
  id: F2_EXPERIMENT,
  claim: 'One-shot search (DARTS, DARTS-2nd, SNAS, DSNAS, GDAS, RSPS) restricted to a metric-driven sub-supernet finds better architectures than on the full space.',
  order: 50,
  // The medium grid searches the leaves of our own GM split, read from the splits stage's cache.
  requires: [SPLITS_STAGE],
  describeBudget(budget: Budget): string {
    const c = F2_CONFIG[budget];
    const n = planF2(c).length;
    const leaves = c.leaves ? `leaves ${c.leaves.join(',')}` : 'all 8 leaves';
    const groups = c.groups.map((g) => `${g.algos.join(', ')} × ${g.seeds.length} seed(s) × (full space + ${leaves} of ${g.families.map((f) => (typeof f === 'string' ? f : describeSplitSource(f))).join(', ')})`);
    return `${n} searches: ${groups.join('; then ')} on CIFAR-10; each search: ${BUDGET_SPECS[c.search].description}`;
  },
  plan: (budget) => planF2(F2_CONFIG[budget]),
  // Each search takes a minute or more (laptop): worth a worker process each with `reproduce --jobs N`.
  parallel: true,
  async execute(planned, { run, outDir, inputs }) {
    await executeF2(planned.config, run, outDir, inputs);
  },
};
