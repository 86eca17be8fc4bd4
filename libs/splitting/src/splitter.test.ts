import type { NB201Network } from '@fsnas/nn';
import { describe, expect, it } from 'vitest';
import { Rng } from '@fsnas/core';
import type { EdgeMetric } from '@fsnas/metrics';
import { Mask, NUM_ARCHS } from '@fsnas/nb201';
import { BranchingError, MetricOutputError, SplitTreeFormatError, SplitTreeReplayError } from './errors';
import { compareWithFamily } from './split-distance';
import { parseSplitTree, replaySplitTree, splitTreeLeaves, validateSplitTree, type SplitTreeDocument } from './split-tree';
import { nodeSeed, splitSupernet, type SplitOptions } from './splitter';
import { dummyNetworkParams, hashScalarMetric, hashSimilarityMetric, linearRegionsReference, numParamsReference, scalarMetric } from './testing/fake-metrics';
import { paperFamily } from './testing/paper';

const quiet = { quiet: true } as const;
const paperOptions = (metric: EdgeMetric, extra: Partial<SplitOptions> = {}): SplitOptions => ({
  metric,
  leaves: 8,
  branching: [2],
  edges: { kind: 'order', edges: [0, 1, 2] },
  seed: 0,
  fidelity: 'reference',
  progress: quiet,
  ...extra,
});

describe('dummy-network parameter count (test helper for num_params)', () => {
  it('the full supernet without the row-0 bug has 1,699,546 parameters (docs/reference.md §10.4)', () => {
    expect(dummyNetworkParams(Mask.full(), { rowZeroBug: false })).toBe(1_699_546);
    expect(dummyNetworkParams(Mask.full())).toBe(1_699_546);
  });
  it('with the row-0 bug only edge 0 matters', () => {
    const m = Mask.full().restrict(1, [0]);
    expect(dummyNetworkParams(m)).toBe(1_699_546);
    expect(dummyNetworkParams(m, { rowZeroBug: false })).toBeLessThan(1_699_546);
  });
});

describe('paper splits of data-independent metrics (fidelity reference, edges 0,1,2)', () => {
  it('num_params reproduces the paper CIFAR-10 leaves exactly, in order (docs/reference.md §10.9)', async () => {
    const tree = await splitSupernet(paperOptions(numParamsReference()));
    expect(tree.root.groups).toEqual([[3], [0, 1, 2, 4]]);
    for (const child of tree.root.children) {
      expect(child.groups).toEqual([[0], [1, 2, 3, 4]]);
      for (const grandchild of child.children) expect(grandchild.groups).toEqual([[0], [1, 2, 3, 4]]);
    }
    expect(splitTreeLeaves(tree).map(String)).toEqual(paperFamily('cifar10', 'num_params').map(String));
  });

  it('num_params with random edges and seed 888 (edges 0,1,2) gives the same leaves', async () => {
    const tree = await splitSupernet(paperOptions(numParamsReference(), { edges: { kind: 'random' }, seed: 888 }));
    expect(splitTreeLeaves(tree).map(String)).toEqual(paperFamily('cifar10', 'num_params').map(String));
  });

  it('linear_regions (every candidate 16, all distances 0) reproduces the paper CIFAR-10 leaves exactly', async () => {
    const tree = await splitSupernet(paperOptions(linearRegionsReference()));
    expect(splitTreeLeaves(tree).map(String)).toEqual(paperFamily('cifar10', 'linear_regions').map(String));
  });

  it('with the published fidelity the same metrics give the same level-0 split (up to group order) and balanced ties', async () => {
    const np = await splitSupernet(paperOptions(numParamsReference(), { fidelity: 'published' }));
    expect(np.root.groups).toEqual([[0, 1, 2, 4], [3]]);
    const cmp = compareWithFamily(np, paperFamily('cifar10', 'num_params'));
    expect(cmp.levels[0]!.identical).toBe(true);
    expect(cmp.levels[1]!.mean).toBeGreaterThan(0); // balanced tie-break instead of {none}|rest
    const lr = await splitSupernet(paperOptions(linearRegionsReference(), { fidelity: 'published' }));
    expect(lr.root.groups).toEqual([[0, 1, 2], [3, 4]]);
  });
});

describe('splitSupernet', () => {
  it('records every node: mask, edge, candidate values, matrix, kind, groups, children', async () => {
    const metric = hashScalarMetric();
    const tree = await splitSupernet(paperOptions(metric, { fidelity: 'published', seed: 3 }));
    const nodes = [tree.root, ...tree.root.children, ...tree.root.children.flatMap((c) => c.children)];
    expect(nodes).toHaveLength(7);
    expect(metric.calls).toHaveLength(7);
    for (const n of nodes) {
      expect(n.evaluation!.values).toHaveLength(n.ops.length);
      expect(n.evaluation!.matrix).toHaveLength(n.ops.length);
      expect(n.evaluation!.kind).toBe('distance');
      expect(n.groups).toHaveLength(2);
      expect(n.seed).toBe(nodeSeed(3, n.level, n.indexInLevel));
    }
    expect(tree.root.edge).toBe(0);
    expect(tree.root.children.map((c) => c.edge)).toEqual([1, 1]);
    // DFS leaf order: idx = 4·c0 + 2·c1 + c2.
    expect(tree.leaves.map((l) => 4 * l.path[0]! + 2 * l.path[1]! + l.path[2]!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(tree.leaves.reduce((s, l) => s + l.size, 0)).toBe(NUM_ARCHS);
  });

  it('re-running with the same options and a deterministic metric reproduces the tree and leaves', async () => {
    for (const metric of [hashScalarMetric(), hashSimilarityMetric()]) {
      for (const fidelity of ['published', 'reference'] as const) {
        const a = await splitSupernet(paperOptions(metric, { fidelity }));
        const b = await splitSupernet(paperOptions(metric, { fidelity }));
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
        // Round trip through JSON text, then re-derive the leaves without the metric.
        const leaves = replaySplitTree(parseSplitTree(JSON.stringify(a)));
        expect(leaves.map(String)).toEqual(splitTreeLeaves(a).map(String));
      }
    }
  });

  it('similarity metrics are min-cut: the reference tie order puts the small group first', async () => {
    const tree = await splitSupernet(paperOptions(hashSimilarityMetric()));
    expect(tree.root.evaluation!.kind).toBe('similarity');
    expect(tree.root.groups[0]!.length).toBeLessThanOrEqual(tree.root.groups[1]!.length);
  });

  it('metric edge policy: evaluates every unsplit edge and splits the lowest normalised cut', async () => {
    // Ops differ only on edge 4 (values spread), so its cross-group distance is largest.
    const metric = scalarMetric('edge4', (c, req) => (req.edge === 4 ? c.allowedOps(4)[0]! * 10 : c.allowedOps(req.edge)[0]! * 0.1));
    const tree = await splitSupernet({ metric, leaves: 4, branching: [2], edges: { kind: 'metric' }, seed: 1, progress: quiet });
    expect(tree.root.edge).toBe(4);
    expect(tree.root.edgeCandidates!.map((c) => c.edge)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(tree.root.children.every((c) => c.edge !== 4 && c.edgeCandidates!.length === 5)).toBe(true);
    expect(replaySplitTree(tree)).toHaveLength(4);
    const restricted = await splitSupernet({ metric, leaves: 2, branching: [2], edges: { kind: 'metric', edges: [1, 2] }, progress: quiet });
    expect(restricted.root.edgeCandidates!.map((c) => c.edge)).toEqual([1, 2]);
  });

  it('warms up once per node before its evaluation: the metric sees its weights, children continue from them, each is disposed after its subtree', async () => {
    const events: string[] = [];
    // Stand-ins for trained networks: only identity and disposal matter to the splitter.
    const network = (name: string) => ({ name, dispose: () => void events.push(`dispose ${name}`) }) as unknown as NB201Network & { name: string };
    const metric = scalarMetric('trace', (c, req) => {
      events.push(`eval ${req.edge} on ${(req.weights as { name?: string } | undefined)?.name}`);
      return c.allowedOps(req.edge)[0]!;
    });
    const options = paperOptions(metric, {
      leaves: 4,
      fidelity: 'published',
      warmup: async (mask, level, parent) => {
        const name = `w${level}.${mask.size}`;
        events.push(`warm ${name} from ${(parent as { name?: string } | undefined)?.name}`);
        return network(name);
      },
      onNode: (n) => events.push(`node ${n.path.join('.')}`),
    });
    await splitSupernet(options);
    // The metric is called once per candidate: keep one line per run of identical events.
    expect(events.filter((e, i) => e !== events[i - 1])).toEqual([
      'warm w0.15625 from undefined', 'eval 0 on w0.15625', 'node ',
      'warm w1.9375 from w0.15625', 'eval 1 on w1.9375', 'node 0', 'dispose w1.9375',
      'warm w1.6250 from w0.15625', 'eval 1 on w1.6250', 'node 1', 'dispose w1.6250',
      'dispose w0.15625',
    ]);
    await expect(splitSupernet({ ...options, resume: [] })).resolves.toBeDefined();
    const tree = await splitSupernet(paperOptions(hashScalarMetric(), { leaves: 4, fidelity: 'published' }));
    await expect(splitSupernet({ ...options, resume: [tree.root] })).rejects.toThrow(/warm-up cannot resume/);
  });

  it('reports progress on its stream: the node being evaluated, rate and ETA', async () => {
    let text = '';
    const stream = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    await splitSupernet(paperOptions(hashScalarMetric(), { progress: { stream, intervalMs: 0, quiet: false } }));
    expect(text).toMatch(/split hash_scalar 0\/7 evaluating node root \(level 0\)/);
    expect(text).toMatch(/node\/s \| ETA/);
    expect(text).toMatch(/7\/7 .*done in/);
  });

  it('skips the metric on k = 1 nodes with the published fidelity, calls it with reference (as the reference)', async () => {
    const fixed = hashScalarMetric();
    const t = await splitSupernet(paperOptions(fixed, { leaves: 5, fidelity: 'published' }));
    expect(t.leaves).toHaveLength(5);
    expect(fixed.calls).toHaveLength(3 + 1); // 3 upper nodes + the one k=2 node on the last level
    const ref = hashScalarMetric();
    const r = await splitSupernet(paperOptions(ref, { leaves: 5 }));
    expect(r.leaves).toHaveLength(4); // docs/reference.md §9.9: factors looked up by child index
    expect(ref.calls).toHaveLength(7);
  });

  it('fails early on impossible trees and bad metric output', async () => {
    const oneOp = Mask.full().restrict(0, [2]);
    await expect(splitSupernet(paperOptions(hashScalarMetric(), { parent: oneOp }))).rejects.toThrow(/only 1 ops are allowed/);
    await expect(splitSupernet(paperOptions(hashScalarMetric(), { parent: Mask.full().restrict(0, [1]).restrict(1, [1]).restrict(2, [1]).restrict(3, [2]).restrict(4, [2]).restrict(5, [3, 4]) }))).rejects.toThrow(BranchingError);
    await expect(splitSupernet(paperOptions(hashScalarMetric(), { edges: { kind: 'order', edges: [0, 1] } }))).rejects.toThrow(/3 levels/);
    await expect(splitSupernet(paperOptions(hashScalarMetric(), { groupSizes: { balanced: true } }))).rejects.toThrow(/fidelity reference/);
    await expect(splitSupernet(paperOptions(hashScalarMetric(), { leaves: 2, branching: [3], dropLeaves: true }))).rejects.toThrow(/no level to split/);
    const nan = scalarMetric('nan', () => Number.NaN);
    await expect(splitSupernet(paperOptions(nan))).rejects.toThrow(MetricOutputError);
    const short: EdgeMetric = { name: 'short', evaluateEdge: async () => ({ values: [1], matrix: [[0]], kind: 'distance' }) };
    await expect(splitSupernet(paperOptions(short))).rejects.toThrow(/expected 5 values/);
    const asym: EdgeMetric = {
      // Beyond float noise: [i][j] = 1 above the diagonal, 0 below.
      name: 'asym',
      evaluateEdge: async (r) => ({ values: r.candidates.map(() => 0), matrix: r.candidates.map((_, i) => r.candidates.map((__, j) => (i < j ? 1 : 0))), kind: 'similarity' }),
    };
    await expect(splitSupernet(paperOptions(asym))).rejects.toThrow(/not symmetric/);
  });

  it('records a symmetric matrix when the metric is symmetric only up to float32 noise', async () => {
    const noisy: EdgeMetric = {
      name: 'noisy',
      evaluateEdge: async (r) => {
        const v = r.candidates.map((c) => c.allowedOps(r.edge)[0]!);
        return { values: v, matrix: v.map((a, i) => v.map((b, j) => Math.abs(a - b) * (i < j ? 1 + 1e-8 : 1))), kind: 'distance' };
      },
    };
    const t = await splitSupernet(paperOptions(noisy, { leaves: 2 }));
    const m = t.root.evaluation!.matrix;
    expect(m.every((row, i) => row.every((v, j) => v === m[j]![i]))).toBe(true);
    expect(replaySplitTree(t)).toHaveLength(2);
  });

  it('honours group-size constraints', async () => {
    const t = await splitSupernet(paperOptions(hashSimilarityMetric(), { fidelity: 'published', groupSizes: { balanced: true } }));
    expect(t.root.groups.map((g) => g.length).sort()).toEqual([2, 3]);
    expect(replaySplitTree(t)).toHaveLength(8);
  });
});

describe('leaves always partition the parent (property test)', () => {
  it('holds over random masks, branchings, seeds, metrics, edge policies and fidelities', async () => {
    const rng = new Rng(20240601);
    let checked = 0;
    for (let t = 0; t < 120; t++) {
      const rows = Array.from({ length: 6 }, () => {
        const ops = [0, 1, 2, 3, 4].filter(() => rng.uniform() < 0.7);
        return ops.length ? ops : [rng.int(5)];
      });
      const parent = rows.reduce((m, ops, e) => m.restrict(e, ops), Mask.full());
      const metric = [hashScalarMetric(), hashSimilarityMetric(), linearRegionsReference()][t % 3]!;
      const edgeKinds = [{ kind: 'order', edges: rng.sample(6, 6) }, { kind: 'random' }, { kind: 'metric' }] as const;
      const options: SplitOptions = {
        metric,
        parent,
        leaves: 1 + rng.int(12),
        branching: [[2], [3], [2, 3]][rng.int(3)]!,
        dropLeaves: rng.uniform() < 0.2,
        edges: edgeKinds[rng.int(3)]!,
        seed: rng.int(10000),
        fidelity: rng.uniform() < 0.5 ? 'reference' : 'published',
        progress: quiet,
      };
      let tree: SplitTreeDocument;
      try {
        tree = await splitSupernet(options);
      } catch (error) {
        if (error instanceof BranchingError) continue; // an impossible tree, rejected up front
        throw error;
      }
      const leaves = replaySplitTree(tree);
      const keys = leaves.flatMap((l) => [...l.keys()]);
      expect(new Set(keys).size, JSON.stringify(options.leaves)).toBe(keys.length); // pairwise disjoint
      expect([...keys].sort((a, b) => a - b)).toEqual([...parent.keys()]); // union = parent
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });
});

describe('split tree JSON', () => {
  const make = async (): Promise<SplitTreeDocument> => splitSupernet(paperOptions(hashScalarMetric()));
  const mutate = (doc: SplitTreeDocument, edit: (o: Record<string, unknown>) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
    edit(copy);
    return copy;
  };

  it('carries the format version, metric name and options', async () => {
    const doc = await make();
    expect(doc.format).toBe('fsnas-split-tree');
    expect(doc.version).toBe(1);
    expect(doc.metric).toBe('hash_scalar');
    expect(doc.options).toMatchObject({ leaves: 8, branching: [2], edges: { kind: 'order', edges: [0, 1, 2] }, seed: 0, compat: 'reference' });
    expect(validateSplitTree(JSON.parse(JSON.stringify(doc)))).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('names the JSON path of a bad field', async () => {
    const doc = await make();
    type Node = { children: Node[]; groups: unknown[][]; evaluation: { matrix: unknown[][] } };
    const cases: [(o: Record<string, unknown>) => void, RegExp][] = [
      [(o) => (o['version'] = 2), /\$\.version: must be 1/],
      [(o) => delete o['metric'], /\$\.metric/],
      [(o) => ((o['options'] as Record<string, unknown>)['compat'] = 'python'), /\$\.options\.compat: must be one of/],
      [(o) => ((o['root'] as Node).children[1]!.groups[0]![0] = 7), /\$\.root\.children\[1\]\.groups\[0\]\[0\]: must be an integer ≥ 0 and ≤ 4/],
      [(o) => ((o['root'] as Node).evaluation.matrix[2]![3] = 'x'), /\$\.root\.evaluation\.matrix\[2\]\[3\]: must be a finite number/],
      [(o) => ((o['leaves'] as { mask: number[][] }[])[3]!.mask[0] = [0, 0, 0, 0, 0]), /\$\.leaves\[3\]\.mask\[0\]: must allow at least one op/],
    ];
    for (const [edit, message] of cases) {
      const bad = mutate(doc, edit);
      expect(() => validateSplitTree(bad)).toThrow(SplitTreeFormatError);
      expect(() => validateSplitTree(bad)).toThrow(message);
    }
    expect(() => parseSplitTree('{')).toThrow(/not valid JSON/);
  });

  it('replay detects recorded groups, leaves, levels or matrices that do not agree', async () => {
    const doc = await make();
    const relevelled = mutate(doc, (o) => (o['levels'] = [[2], [2, 2], [2, 1, 2, 2]]));
    expect(() => replaySplitTree(relevelled)).toThrow(/\$\.levels: recorded/);
    type Node = { children: Node[]; groups: number[][] };
    const swapped = mutate(doc, (o) => {
      const leaves = o['leaves'] as { mask: number[][] }[];
      [leaves[0]!.mask, leaves[1]!.mask] = [leaves[1]!.mask, leaves[0]!.mask];
    });
    expect(() => replaySplitTree(swapped)).toThrow(SplitTreeReplayError);
    expect(() => replaySplitTree(swapped)).toThrow(/\$\.leaves\[0\]\.mask/);
    // Groups that still partition the ops but contradict the recorded matrix.
    const regrouped = mutate(doc, (o) => {
      const root = o['root'] as Node;
      root.groups = [[0], [1, 2, 3, 4]];
    });
    expect(() => replaySplitTree(regrouped)).toThrow(/\$\.root\.(groups|children\[0\]\.mask)/);
    expect(() => replaySplitTree(regrouped, { recheckPartitions: false })).toThrow(/children\[0\]\.mask/);
  });
});
