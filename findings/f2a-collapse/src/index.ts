import type { Budget } from '@fsnas/core';
import type { Finding } from '@fsnas/experiments';
import { BUDGET_SPECS } from '@fsnas/search';
import { COLLAPSE_CONFIG } from './config';
import { executeCollapse, netLabel, type CollapseRunConfig, planCollapse } from './run';
import { COLLAPSE_EXPERIMENT } from './schema';

export * from './analysis';
export * from './config';
export * from './run';
export * from './schema';

export const finding: Finding<CollapseRunConfig> = {
  id: COLLAPSE_EXPERIMENT,
  claim: 'First-order DARTS on the full NB201 space collapses onto parameter-free cells as its search lengthens, and a leaf of a metric-driven split delays or prevents it.',
  // Before F2 (50): its trajectories say which search length F2's `medium` budget needs.
  order: 45,
  describeBudget(budget: Budget): string {
    const c = COLLAPSE_CONFIG[budget];
    const lines = c.lines.map((l) => `${netLabel(l.net)} ${l.space === 'full' ? 'full space' : `${l.space.family} leaf with the best arch`}`);
    return `${lines.length * c.seeds.length} first-order DARTS searches (${lines.join('; ')}) × seeds ${c.seeds.join(', ')}, ${c.epochs} epochs each, every epoch's derived cell logged; data and optimiser: ${BUDGET_SPECS[c.search].description}`;
  },
  plan: (budget) => planCollapse(COLLAPSE_CONFIG[budget]),
  parallel: true,
  async execute(planned, { run, outDir, inputs }) {
    await executeCollapse(planned.config, run, outDir, inputs);
  },
};
