import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computedSplitSources, createRunInputs, metricRecorder, splitStoreWith, type RunInputs } from '@fsnas/experiments';
import { PAPER_SPLIT_SEED, createSplitStore, type ComputedSplitSource } from '@fsnas/splitting';
import { beforeAll, describe, expect, it } from 'vitest';
import { F1_CONFIG, F1_TAGS, executeF1, finding as f1Finding, planF1 } from './index';

const paperSetting = (metric: string): ComputedSplitSource => ({ kind: 'computed', metric, dataset: 'cifar10', seed: PAPER_SPLIT_SEED, fidelity: 'reference', warmup: null });

describe('F1 plan', () => {
  it('plans one run per dataset, with the budget’s own splits on the dataset whose images they were computed on', () => {
    expect(planF1(F1_CONFIG.laptop, []).map((p) => p.name)).toEqual(['cifar10', 'cifar100', 'ImageNet16-120']);
    const smoke = f1Finding.plan('smoke');
    expect(smoke.map((p) => [p.name, p.config.ours.map((s) => s.metric)])).toEqual([['cifar10', ['num_params', 'synflow', 'random']]]);
    expect(smoke[0]?.tags[F1_TAGS.source]).toBe('paper+ours');
    const laptop = planF1(F1_CONFIG.laptop, computedSplitSources('laptop', ['cifar10']));
    expect(laptop.map((p) => p.config.source)).toEqual(['paper+ours', 'paper', 'paper']);
    expect(f1Finding.describeBudget('smoke')).toMatch(/HTML only/);
  });
});

describe('F1 execute', () => {
  // Our num_params and random splits, computed by `fsnas split` in reference mode into a split cache:
  // both must be the paper's splits exactly (distance 0 on every level), an independent reference.
  let inputs: RunInputs;
  const ours = [paperSetting('num_params'), paperSetting('random')];
  beforeAll(async () => {
    const store = await splitStoreWith(ours);
    inputs = { ...createRunInputs(), splits: () => store };
  }, 120_000);

  it('logs the paper families’ diversity, sets our splits beside them and compares each with the paper’s split of its metric', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fsnas-f1-')), 'out');
    mkdirSync(out);
    const sink = metricRecorder();
    const result = await executeF1({ dataset: 'cifar10', source: 'paper+ours', ours, png: false }, sink, out, inputs);
    const values = sink.rows.find((r) => r.step === 0 && 'families' in r.values)?.values ?? {};
    expect(values['families']).toBe(10);
    // On CIFAR-10 the 10 paper families use 4 level-0 groupings: {3}|rest (GM, params, random), {1,4}|{0,2,3}
    // (gn, snip, grasp, jc), {0}|rest (lr, sf), {2,3}|{0,1,4} (ntk) — docs/reference.md §3.8.
    expect(values['distinct_level0_groupings']).toBe(4);
    expect(values['mean_leafset_distance']).toBeGreaterThan(0);
    expect(values).toMatchObject({ our_splits: 2, ours_compared_with_paper: 2, ours_same_leaf_set_as_paper: 2, ours_mean_distance_to_paper: 0 });
    expect(result.oursVsPaper.map((r) => [r.ours, r.paper, r.sameLeavesInOrder, r.levelDistances])).toEqual([
      ['ours:num_params', 'num_params', true, [0, 0, 0]],
      ['ours:random', 'random_seed888', true, [0, 0, 0]],
    ]);
    // The family×family matrices hold ours too: ours:num_params is the paper's num_params.
    const sim = result.similarity['cifar10']!;
    expect(sim.leafSets[sim.names.indexOf('num_params')]?.[sim.names.indexOf('ours:num_params')]).toBe(0);
    expect(sink.rows.filter((r) => 'ours_vs_paper_distance.num_params' in r.values).map((r) => r.step)).toEqual([0, 1, 2]);
    expect(readFileSync(join(out, 'ours-vs-paper.csv'), 'utf8').split('\n')[0]).toBe('dataset,ours,paper,sameLeavesInOrder,sameLeafSet,levelDistances');
    for (const f of ['level-groups.csv', 'group-distance-level2.csv', 'f1-level0-groups.html', 'f1-leafset-distance-cifar10.html', 'f1-ours-vs-paper-cifar10.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('a split the splits stage has not computed is an error naming the stage', async () => {
    const empty = { ...createRunInputs(), splits: () => createSplitStore(mkdtempSync(join(tmpdir(), 'fsnas-f1-empty-'))) };
    await expect(executeF1({ dataset: 'cifar10', source: 'paper+ours', ours: [paperSetting('synflow')], png: false }, metricRecorder(), mkdtempSync(join(tmpdir(), 'fsnas-f1-')), empty)).rejects.toThrow(
      /the split ours:synflow is not computed yet .*fsnas reproduce --finding splits/,
    );
  });
});
