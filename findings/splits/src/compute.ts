import { fidelityToken, parseBudget, type Budget, type Fidelity } from '@fsnas/core';
import { type Dataset, loadCifar10 } from '@fsnas/data';
import { createEdgeMetric, resolveSettings, type EdgeMetric, type EdgeMetricOptions, type MetricDataset } from '@fsnas/metrics';
import { DEFAULT_NET_CONFIG, initBackend } from '@fsnas/nn';
import { BUDGET_SPECS, searchData, warmupSupernet } from '@fsnas/search';
import {
  RANDOM_METRIC,
  randomSplit,
  splitSupernet,
  splitToFile,
  writeSplitTree,
  type EdgePolicy,
  type SplitMetricSettings,
  type SplitNodeRecord,
  type SplitTreeDocument,
  type WarmupHook,
} from '@fsnas/splitting';

/**
 * Everything that decides one split tree: the metric (or `random`, the reference's random split),
 * the tree plan, and how the metric is evaluated. `fsnas split` and the splits stage both compute
 * trees through `computeSplitTree`, so the same settings give the same tree either way.
 */
export interface SplitComputation {
  readonly metric: string;
  readonly dataset: MetricDataset;
  readonly seed: number;
  /** Of the splitter and the metric alike: published (fsnas's splitter, NASLib's definitions) or reference. */
  readonly fidelity: Fidelity;
  readonly leaves: number;
  readonly branching: readonly number[];
  readonly dropLeaves: boolean;
  readonly edges: EdgePolicy;
  /** Search budget whose supernet training warms up every node before its metric; absent: none. */
  readonly warmup?: string;
  /** Images per metric batch; absent: the metric library's default for the fidelity. */
  readonly batchSize?: number;
  readonly batches?: number;
  /** Width and depth of the metric networks; absent: the metric library's, or the warm-up budget's. */
  readonly network?: { readonly C: number; readonly N: number };
}

export interface ComputeSplitOptions {
  /** Write the tree here; a metric split journals its nodes beside it and resumes an interrupted run. */
  readonly out?: string;
  /** CIFAR-10 for the warm-up's supernet training (default: loaded from the data folder). */
  readonly cifar10?: () => Dataset | Promise<Dataset>;
  /** Called after each node this run computes (not the ones resumed from the journal). */
  readonly onNode?: (node: SplitNodeRecord) => void;
}

/** What a computation cost: the nodes this run computed and the metric calls they made. */
export interface SplitTiming {
  /** Seconds of the nodes computed in this run, per level (0 for a level resumed whole). */
  readonly levelSeconds: number[];
  readonly totalSeconds: number;
  /** Edge evaluations (one per node and considered edge) and candidate networks scored in them. */
  readonly evaluations: number;
  readonly candidates: number;
  /** Nodes computed in this run and nodes reused from an interrupted run's journal. */
  readonly computedNodes: number;
  readonly resumedNodes: number;
}

export interface ComputedSplit {
  readonly tree: SplitTreeDocument;
  readonly timing: SplitTiming;
}

/** The plan part of a computation, as the splitter takes it. */
const planOf = (c: SplitComputation) => ({ leaves: c.leaves, branching: c.branching, dropLeaves: c.dropLeaves, edges: c.edges, seed: c.seed, fidelity: c.fidelity });

/** Compute one split tree (and, with `out`, write it; a metric split resumes from its node journal). */
export async function computeSplitTree(c: SplitComputation, options: ComputeSplitOptions = {}): Promise<ComputedSplit> {
  const started = performance.now();
  const levelSeconds: number[] = [];
  let last = started;
  let computedNodes = 0;
  const onNode = (node: SplitNodeRecord): void => {
    const now = performance.now();
    // Depth-first: what ran since the previous finished node is this node's warm-up and metric.
    levelSeconds[node.level] = (levelSeconds[node.level] ?? 0) + (now - last) / 1000;
    last = now;
    computedNodes++;
    options.onNode?.(node);
  };
  let evaluations = 0;
  let candidates = 0;
  const count = (metric: EdgeMetric): EdgeMetric => ({
    name: metric.name,
    evaluateEdge: (request) => {
      evaluations++;
      candidates += request.candidates.length;
      return metric.evaluateEdge(request);
    },
  });

  let tree: SplitTreeDocument;
  if (c.metric === RANDOM_METRIC) {
    // Instant and without a metric: no journal, written whole.
    tree = randomSplit(planOf(c));
    if (options.out !== undefined) writeSplitTree(options.out, tree);
  } else {
    const { metric, metricSettings, warmup } = await metricOf(c, options);
    const split = { ...planOf(c), metric: count(metric), metricSettings, onNode, ...(warmup ? { warmup } : {}) };
    tree = options.out !== undefined ? await splitToFile(split, options.out) : await splitSupernet(split);
  }
  const nodes = countNodes(tree.root);
  const timing: SplitTiming = {
    levelSeconds: tree.levels.map((_, level) => levelSeconds[level] ?? 0),
    totalSeconds: (performance.now() - started) / 1000,
    evaluations,
    candidates,
    computedNodes: c.metric === RANDOM_METRIC ? nodes : computedNodes,
    resumedNodes: c.metric === RANDOM_METRIC ? 0 : nodes - computedNodes,
  };
  return { tree, timing };
}

const countNodes = (node: SplitNodeRecord): number => 1 + node.children.reduce((n, child) => n + countNodes(child), 0);

/** The metric of a computation, what the tree records about how it evaluates, and the warm-up hook. */
async function metricOf(c: SplitComputation, options: ComputeSplitOptions): Promise<{ metric: EdgeMetric; metricSettings: SplitMetricSettings; warmup: WarmupHook | undefined }> {
  const warmup = c.warmup !== undefined ? BUDGET_SPECS[parseBudget(c.warmup, '--warmup')] : undefined;
  const network = warmup ? { C: warmup.net.C, N: warmup.net.N } : c.network;
  const metricOptions: EdgeMetricOptions = {
    ...(network ? { network: { C: network.C, N: network.N } } : {}),
    dataset: c.dataset,
    seed: c.seed,
    fidelity: c.fidelity,
    ...(c.batchSize !== undefined ? { batchSize: c.batchSize } : {}),
    ...(c.batches !== undefined ? { batches: c.batches } : {}),
  };
  // Resolved together with the metric, so the record holds what the metric uses. (Both run before
  // initBackend, as the metric always has: the backend-dependent second-order batch default is then
  // the whole batch, not wasm's 32.)
  const metric = createEdgeMetric(c.metric, metricOptions);
  const resolved = resolveSettings(metricOptions);
  const backend = await initBackend();
  // The split's identity as far as the metric goes (compared when a journal resumes).
  const metricSettings: SplitMetricSettings = {
    dataset: resolved.dataset,
    batchSize: resolved.batchSize,
    batches: resolved.batches,
    init: resolved.init,
    metricCompat: fidelityToken('metrics', resolved.fidelity),
    network: { ...DEFAULT_NET_CONFIG, ...resolved.network },
    secondOrderBatch: resolved.secondOrderBatch,
    warmup: warmup?.name ?? null,
    backend: backend.name,
  };
  const images = warmup ? await (options.cifar10 ?? (() => loadCifar10()))() : undefined;
  return { metric, metricSettings, warmup: warmup && images ? warmupHook(warmup.name, c.seed, images) : undefined };
}

/** Supernet training of each node on CIFAR-10 with the search library, seeded per node. */
function warmupHook(budget: Budget, seed: number, cifar10: Dataset): WarmupHook {
  const data = searchData(cifar10, BUDGET_SPECS[budget]);
  return (mask, level, parent) => warmupSupernet({ mask, budget, data, seed: seed * 31 + level * 1_000_003 + mask.size, ...(parent ? { from: parent } : {}) });
}
