import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPaperSplits } from '@fsnas/nb201';
import { metricRecorder } from '@fsnas/experiments';
import { describe, expect, it } from 'vitest';
import { F1_CONFIG, executeF1, f1Finding, planF1 } from './index';


describe('F1 split diversity experiment', () => {
  it('plans one run per dataset', () => {
    expect(planF1(F1_CONFIG.laptop).map((p) => p.name)).toEqual(['cifar10', 'cifar100', 'ImageNet16-120']);
    expect(f1Finding.describeBudget('smoke')).toMatch(/HTML only/);
  });

  it('logs the diversity summary, writes the level groups and distance matrices, and sets own splits beside the paper’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsnas-f1-'));
    // A copy of the paper's synflow masks as "our" split: its distance to paper synflow must be 0.
    const own = join(dir, 'own-synflow.json');
    const masks = loadPaperSplits().get('cifar10')?.get('synflow') ?? [];
    writeFileSync(own, JSON.stringify({ metric: 'synflow', leaves: masks.map((m) => ({ mask: m.toRows() })) }));
    const out = join(dir, 'out');
    mkdirSync(out);
    const sink = metricRecorder();
    const result = await executeF1({ dataset: 'cifar10', source: 'paper', ownSplits: [own], png: false }, sink, out);
    const values = sink.rows[0]?.values ?? {};
    expect(values['families']).toBe(11);
    // On CIFAR-10 the 10 paper families use 4 level-0 groupings: {3}|rest (GM, params, random), {1,4}|{0,2,3}
    // (gn, snip, grasp, jc), {0}|rest (lr, sf), {2,3}|{0,1,4} (ntk) — docs/reference.md §3.8.
    expect(values['distinct_level0_groupings']).toBe(4);
    expect(values['mean_leafset_distance']).toBeGreaterThan(0);
    const sim = result.similarity['cifar10']!;
    const i = sim.names.indexOf('synflow');
    const j = sim.names.indexOf('ours:synflow');
    expect(sim.leafSets[i]?.[j]).toBe(0);
    expect(readFileSync(join(out, 'leafset-distance.csv'), 'utf8').split('\n')[0]).toMatch(/^family,gradient_matching,/);
    for (const f of ['level-groups.csv', 'group-distance-level2.csv', 'f1-level0-groups.html', 'f1-leafset-distance-cifar10.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });
});
