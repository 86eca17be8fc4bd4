import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { workspaceRoot } from '@fsnas/core';
import { TINY_SPLIT_SETTING, computedSplitSources, datasetsWithImages, metricRecorder } from '@fsnas/experiments';
import { METRIC_NAMES } from '@fsnas/metrics';
import { loadPaperSplits } from '@fsnas/nb201';
import { PAPER_SPLIT_SETTING, createSplitStore, readSplitTree, type ComputedSplitSource } from '@fsnas/splitting';
import { describe, expect, it } from 'vitest';
import { executeSplits, finding, planSplits, type SplitsRunConfig } from './index';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'fsnas-splits-stage-'));
const configOf = (source: ComputedSplitSource): SplitsRunConfig => planSplits([source])[0]!.config;
const outDir = (): string => {
  const dir = join(tmp(), 'out');
  mkdirSync(dir);
  return dir;
};
const tiny = (metric: string): ComputedSplitSource => ({ kind: 'computed', metric, dataset: 'cifar10', seed: 888, fidelity: 'reference', warmup: null, setting: TINY_SPLIT_SETTING });

describe('the splits stage', () => {
  it('plans the cheap metrics for smoke and every registered metric otherwise, on the datasets with images', () => {
    expect(finding.order).toBe(0);
    expect(finding.id).toBe('splits');
    expect(datasetsWithImages()).toEqual(['cifar10']);
    const smoke = finding.plan('smoke');
    expect(smoke.map((p) => p.name)).toEqual(['cifar10/num_params', 'cifar10/synflow', 'cifar10/random']);
    expect(smoke[1]?.tags).toMatchObject({ metric: 'synflow', dataset: 'cifar10', seed: '888', fidelity: 'reference', warmup: 'none', source: 'ours:synflow[tiny]' });
    expect(smoke[1]?.config.setting).toEqual(TINY_SPLIT_SETTING);
    const laptop = finding.plan('laptop');
    expect(laptop.map((p) => p.config.metric)).toEqual([...METRIC_NAMES]);
    expect(laptop.every((p) => p.config.setting === PAPER_SPLIT_SETTING && p.tags['source'] === `ours:${p.config.metric}`)).toBe(true);
    expect(computedSplitSources('laptop', [])).toEqual([]);
    expect(() => planSplits([tiny('snip'), { ...tiny('snip'), seed: 1 }])).toThrow(/two sources named cifar10\/snip/);
  });

  it('computes the tree `fsnas split` computes with the same settings, logs its timing and keeps it as an artifact', async () => {
    const source: ComputedSplitSource = { kind: 'computed', metric: 'num_params', dataset: 'cifar10', seed: 888, fidelity: 'reference', warmup: null, setting: { ...PAPER_SPLIT_SETTING, name: 'batch 8', batchSize: 8 } };
    const store = createSplitStore(tmp());
    const sink = metricRecorder();
    const out = outDir();
    const result = await executeSplits(configOf(source), sink, out, store);
    expect(result.reused).toBe(false);
    const cli = join(tmp(), 'cli.json');
    await promisify(execFile)(process.execPath, [join(workspaceRoot(), 'libs/cli/bin/fsnas.mjs'), 'split', '--metric', 'num_params', '--fidelity', 'reference', '--seed', '888', '--leaves', '8', '--branching', '2', '--edges', '0,1,2', '--batch-size', '8', '--out', cli], { env: { ...process.env, FSNAS_QUIET: '1' } });
    expect(readFileSync(store.treeFile(source), 'utf8')).toBe(readFileSync(cli, 'utf8'));
    expect(readFileSync(join(out, 'split-tree.json'), 'utf8')).toBe(readFileSync(cli, 'utf8'));
    // num_params in reference mode is the paper's split exactly.
    expect(store.leaves(source, 'cifar10').map((m) => m.toRows())).toEqual(loadPaperSplits().get('cifar10')?.get('num_params')?.map((m) => m.toRows()));
    const step0 = sink.rows.find((r) => r.step === 0 && 'seconds_total' in r.values)?.values;
    expect(step0).toMatchObject({ metric_evaluations: 7, nodes_computed: 7, nodes_resumed: 0, leaves: 8, reused_from_cache: 0 });
    expect(sink.rows.filter((r) => 'seconds_level' in r.values).map((r) => r.step)).toEqual([0, 1, 2]);
    expect(JSON.parse(readFileSync(join(out, 'timing.json'), 'utf8'))).toEqual(result.timing);
  });

  it('reuses a cached tree by key, and computes a new one when any setting changes', async () => {
    const cache = tmp();
    // num_params: the cache logic, not the metric, is under test, so the cheapest metric split.
    const source = tiny('num_params');
    const first = await executeSplits(configOf(source), metricRecorder(), outDir(), createSplitStore(cache));
    const written = statSync(createSplitStore(cache).treeFile(source)).mtimeMs;
    const sink = metricRecorder();
    const again = await executeSplits(configOf(source), sink, outDir(), createSplitStore(cache));
    expect(again).toEqual({ timing: first.timing, reused: true });
    expect(sink.rows[0]?.values['reused_from_cache']).toBe(1);
    expect(statSync(createSplitStore(cache).treeFile(source)).mtimeMs).toBe(written);
    const other = await executeSplits(configOf({ ...source, seed: 1 }), metricRecorder(), outDir(), createSplitStore(cache));
    expect(other.reused).toBe(false);
  });

  it('resumes an interrupted tree from the node journal and writes the tree an uninterrupted run writes', async () => {
    const source = tiny('synflow');
    const whole = createSplitStore(tmp());
    await executeSplits(configOf(source), metricRecorder(), outDir(), whole);
    const tree = readSplitTree(whole.treeFile(source));
    // What a run killed after the root node leaves behind: the settings header, then the root.
    const store = createSplitStore(tmp());
    const journal = `${store.treeFile(source)}.nodes.jsonl`;
    mkdirSync(join(journal, '..'), { recursive: true });
    const header = { format: 'fsnas-split-journal', version: 1, settings: { metric: tree.metric, ...tree.options, ...tree.metricSettings } };
    writeFileSync(journal, `${JSON.stringify(header)}\n${JSON.stringify({ ...tree.root, children: [] })}\n`);
    const resumed = await executeSplits(configOf(source), metricRecorder(), outDir(), store);
    expect(resumed.timing).toMatchObject({ resumedNodes: 1, computedNodes: 6 });
    expect(readFileSync(store.treeFile(source), 'utf8')).toBe(readFileSync(whole.treeFile(source), 'utf8'));
  });
});
