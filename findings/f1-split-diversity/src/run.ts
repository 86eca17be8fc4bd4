import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { familiesOf, tableCsv, writeFigures } from '@fsnas/analysis';
import type { Setting } from '@fsnas/benchmark';
import { named, paperCounterpart, type MetricSink, type PlannedRun, type RunInputs } from '@fsnas/experiments';
import type { Mask } from '@fsnas/nb201';
import { describeSplitSource, type ComputedSplitSource } from '@fsnas/splitting';
import { f1OursVsPaper, f1OursVsPaperFigure, f1SplitDiversity, type F1OursVsPaperRow, type F1Result } from './analysis';
import type { F1Config } from './config';
import { F1_ARTIFACTS, F1_METRICS, F1_OURS_METRICS, F1_TAGS, f1LevelDistanceArtifact, f1LevelMetric, f1OursVsPaperMetric } from './schema';

/** One MLflow run per dataset: the level groups of every family, the family×family distances, ours against the paper's. */
export interface F1RunConfig {
  readonly dataset: Setting;
  readonly source: 'paper' | 'paper+ours';
  /** The project's own splits (the splits stage's, computed on this dataset's images) set beside the paper's. */
  readonly ours: readonly ComputedSplitSource[];
  readonly png: boolean;
}

/** One run per dataset; `ours` are the budget's computed splits (those on other datasets' images are left out). */
export function planF1(config: F1Config, ours: readonly ComputedSplitSource[]): PlannedRun<F1RunConfig>[] {
  return config.datasets.map((dataset) => {
    const mine = ours.filter((s) => s.dataset === dataset);
    const source = mine.length ? ('paper+ours' as const) : ('paper' as const);
    return { name: dataset, config: { dataset, source, ours: mine, png: config.png }, tags: named(F1_TAGS, { dataset, source }) };
  });
}

/** Mean of the off-diagonal entries among `keep` (null entries — families splitting different edges — skipped). */
function offDiagonalMean(m: readonly (readonly (number | null)[])[], keep: (i: number) => boolean = () => true): number {
  let sum = 0;
  let n = 0;
  m.forEach((row, i) =>
    row.forEach((v, j) => {
      if (i !== j && keep(i) && keep(j) && v !== null) {
        sum += v;
        n++;
      }
    }),
  );
  return n ? sum / n : 0;
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

const csvMatrix = (names: readonly string[], m: readonly (readonly (number | null)[])[]): string =>
  tableCsv(names.map((name, i) => ({ family: name, ...Object.fromEntries(names.map((other, j) => [other, m[i]?.[j] ?? null])) })));

export interface F1RunResult extends F1Result {
  readonly oursVsPaper: readonly F1OursVsPaperRow[];
}

/**
 * Compute one dataset: the paper's families and our splits (read from the splits stage's cache; a
 * split not computed yet is an error naming the stage) side by side. The diversity metrics stay over
 * the paper's families, so they mean the same with or without ours; ours get their own.
 */
export async function executeF1(config: F1RunConfig, run: MetricSink, outDir: string, inputs: RunInputs): Promise<F1RunResult> {
  const store = inputs.splits();
  const paperFamilies = familiesOf(inputs.paperSplits(), config.dataset);
  const families = new Map<string, readonly Mask[]>(paperFamilies);
  for (const source of config.ours) families.set(describeSplitSource(source), store.leaves(source, config.dataset));
  const result = f1SplitDiversity(undefined, new Map([[config.dataset, families]]));
  const oursVsPaper = f1OursVsPaper(
    config.dataset,
    config.ours.flatMap((source) => {
      const paper = paperCounterpart(source, [...paperFamilies.keys()]);
      const tree = store.tree(source);
      return paper && tree ? [{ ours: describeSplitSource(source), paper: paper.metric, tree, paperLeaves: store.leaves(paper, config.dataset) }] : [];
    }),
  );
  const sim = result.similarity[config.dataset];
  writeFileSync(join(outDir, F1_ARTIFACTS.levelGroups), tableCsv(result.groups));
  const figures = { ...result.figures };
  if (sim) {
    writeFileSync(join(outDir, F1_ARTIFACTS.groupDistance), csvMatrix(sim.names, sim.groups));
    writeFileSync(join(outDir, F1_ARTIFACTS.leafsetDistance), csvMatrix(sim.names, sim.leafSets));
    sim.levels.forEach((m, l) => writeFileSync(join(outDir, f1LevelDistanceArtifact(l)), csvMatrix(sim.names, m)));
    const isPaper = (i: number): boolean => paperFamilies.has(sim.names[i] as string);
    const isOurs = (i: number): boolean => !isPaper(i);
    const level0 = result.level0[config.dataset] ?? {};
    await run.logMetrics(
      {
        ...named(F1_METRICS, {
          families: paperFamilies.size,
          distinctLevel0Groupings: new Set([...paperFamilies.keys()].map((f) => level0[f])).size,
          meanGroupDistance: offDiagonalMean(sim.groups, isPaper),
          meanLeafsetDistance: offDiagonalMean(sim.leafSets, isPaper),
        }),
        ...Object.fromEntries(sim.levels.map((m, l) => [f1LevelMetric(l), offDiagonalMean(m, isPaper)])),
        ...(config.ours.length
          ? named(F1_OURS_METRICS, {
              ourSplits: config.ours.length,
              comparedWithPaper: oursVsPaper.length,
              sameLeafSetAsPaper: oursVsPaper.filter((r) => r.sameLeafSet).length,
              meanDistanceToPaper: mean(oursVsPaper.map((r) => mean(r.levelDistances))),
              meanLeafsetDistanceAmongOurs: offDiagonalMean(sim.leafSets, isOurs),
            })
          : {}),
      },
      0,
    );
  }
  if (oursVsPaper.length) {
    writeFileSync(join(outDir, F1_ARTIFACTS.oursVsPaper), tableCsv(oursVsPaper.map((r) => ({ ...r, levelDistances: r.levelDistances.map((d) => d.toFixed(4)).join(' ') }))));
    // One curve per metric across the levels (step = level), so the MLflow UI plots where ours and the paper's part.
    const levels = Math.max(...oursVsPaper.map((r) => r.levelDistances.length));
    for (let l = 0; l < levels; l++) {
      await run.logMetrics(Object.fromEntries(oursVsPaper.flatMap((r) => (r.levelDistances[l] === undefined ? [] : [[f1OursVsPaperMetric(r.paper), r.levelDistances[l] as number]]))), l);
    }
    figures[`f1-ours-vs-paper-${config.dataset}`] = f1OursVsPaperFigure(oursVsPaper);
  }
  await writeFigures(figures, outDir, { png: config.png });
  return { ...result, oursVsPaper };
}
