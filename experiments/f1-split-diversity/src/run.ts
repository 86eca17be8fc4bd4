import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSplitCover, f1SplitDiversity, familiesOf, groundTruth, tableCsv, writeFigures, type F1Result } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import type { Budget, Finding, MetricSink, PlannedRun } from '@fsnas/experiments';
import type { Mask } from '@fsnas/nb201';
import { readSplitLeaves } from '@fsnas/splitting';
import { F1_CONFIG, type F1Config } from './config';

/** One MLflow run per dataset: the level groups of every family and the metric×metric distances. */
export interface F1RunConfig {
  readonly dataset: Setting;
  readonly source: 'paper';
  readonly ownSplits: readonly string[];
  readonly png: boolean;
}


export function planF1(config: F1Config): PlannedRun<F1RunConfig>[] {
  return config.datasets.map((dataset) => ({
    name: dataset,
    config: { dataset, source: 'paper' as const, ownSplits: config.ownSplits[dataset] ?? [], png: config.png },
    tags: { dataset, source: config.ownSplits[dataset]?.length ? 'paper+ours' : 'paper' },
  }));
}


/** Mean of the off-diagonal entries (null entries — families splitting different edges — skipped). */
function offDiagonalMean(m: readonly (readonly (number | null)[])[]): number {
  let sum = 0;
  let n = 0;
  m.forEach((row, i) =>
    row.forEach((v, j) => {
      if (i !== j && v !== null) {
        sum += v;
        n++;
      }
    }),
  );
  return n ? sum / n : 0;
}

const csvMatrix = (names: readonly string[], m: readonly (readonly (number | null)[])[]): string =>
  tableCsv(names.map((name, i) => ({ family: name, ...Object.fromEntries(names.map((other, j) => [other, m[i]?.[j] ?? null])) })));

export async function executeF1(config: F1RunConfig, run: MetricSink, outDir: string): Promise<F1Result> {
  const families = new Map<string, readonly Mask[]>(familiesOf(groundTruth().splits, config.dataset));
  for (const file of config.ownSplits) {
    const split = readSplitLeaves(file);
    checkSplitCover(split.leaves, file);
    families.set(`ours:${split.metric ?? 'split'}`, split.leaves);
  }
  const result = f1SplitDiversity(undefined, new Map([[config.dataset, families]]));
  const sim = result.similarity[config.dataset];
  writeFileSync(join(outDir, 'level-groups.csv'), tableCsv(result.groups));
  if (sim) {
    writeFileSync(join(outDir, 'group-distance.csv'), csvMatrix(sim.names, sim.groups));
    writeFileSync(join(outDir, 'leafset-distance.csv'), csvMatrix(sim.names, sim.leafSets));
    sim.levels.forEach((m, l) => writeFileSync(join(outDir, `group-distance-level${l}.csv`), csvMatrix(sim.names, m)));
    const level0 = Object.values(result.level0[config.dataset] ?? {});
    await run.logMetrics(
      {
        families: sim.names.length,
        distinct_level0_groupings: new Set(level0).size,
        mean_group_distance: offDiagonalMean(sim.groups),
        mean_leafset_distance: offDiagonalMean(sim.leafSets),
        ...Object.fromEntries(sim.levels.map((m, l) => [`mean_group_distance_level${l}`, offDiagonalMean(m)])),
      },
      0,
    );
  }
  await writeFigures(result.figures, outDir, { png: config.png });
  return result;
}

export const f1Finding: Finding<F1RunConfig> = {
  id: 'F1-split-diversity',
  claim: 'Different metrics split the search space in different ways.',
  order: 10,
  describeBudget(budget: Budget): string {
    const c = F1_CONFIG[budget];
    return `${c.datasets.join(', ')}: level groups of every paper family, metric×metric split distances (op groups per level, normalised VI of leaf sets)${c.png ? ', PNG via Chromium' : ', HTML only'}`;
  },
  plan: (budget) => planF1(F1_CONFIG[budget]),
  async execute(planned, { run, outDir }) {
    await executeF1(planned.config, run, outDir);
  },
};
