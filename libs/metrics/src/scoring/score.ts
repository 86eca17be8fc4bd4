import { InvalidInputError, type Fidelity } from '@fsnas/core';
import { toTensors, type TensorBatch } from '@fsnas/data';
import { Mask, archKey, type Arch } from '@fsnas/nb201';
import { NB201Network, applyNetworkInit, buildScheme, tf, type NetConfig, type NetworkInit } from '@fsnas/nn';
import { defaultSecondOrderBatch } from '../measures/gradients';
import { defaultMetricInit } from './init';
import { cifarBatchSource, type BatchSource, type MetricDataset } from './data';
import { METRICS, resolveMetricName, type MetricName } from './registry';
import { DegenerateNetworkError, type MetricValue, type NetworkInput } from './types';

/** Settings shared by per-architecture scoring and the few-shot EdgeMetric. */
export interface MetricSettings {
  readonly dataset?: MetricDataset;
  /** Images per batch (NASLib: 64; the reference: 16). */
  readonly batchSize?: number;
  readonly batches?: number;
  readonly seed?: number;
  /** Published (NASLib's definitions, the default) or the paper code's (reference). */
  readonly fidelity?: Fidelity;
  /** Weight init (default: pytorch_default with the published fidelity, as NASLib's networks; kaiming_normal_fanin with reference). */
  readonly init?: NetworkInit;
  /** Network shape (default C=16, N=5, 10 classes). */
  readonly network?: Partial<NetConfig>;
  /** Where batches come from (default: CIFAR-10 training images with augmentation). */
  readonly source?: BatchSource;
  /** Most images per double-backprop pass (grasp). Default: the whole batch, except on wasm (heap-limited: 32). */
  readonly secondOrderBatch?: number;
  /** Throw DegenerateNetworkError instead of returning a flagged sentinel. */
  readonly strict?: boolean;
}

export interface ResolvedSettings {
  readonly dataset: MetricDataset;
  readonly batchSize: number;
  readonly batches: number;
  readonly seed: number;
  readonly fidelity: Fidelity;
  readonly init: NetworkInit;
  readonly network: Partial<NetConfig>;
  readonly source: BatchSource;
  readonly secondOrderBatch: number;
  readonly strict: boolean;
}

export function resolveSettings(settings: MetricSettings = {}): ResolvedSettings {
  const fidelity = settings.fidelity ?? 'published';
  const batchSize = settings.batchSize ?? (fidelity === 'reference' ? 16 : 64);
  const batches = settings.batches ?? 1;
  const secondOrderBatch = settings.secondOrderBatch ?? defaultSecondOrderBatch(batchSize);
  for (const [k, v] of [['batchSize', batchSize], ['batches', batches], ['secondOrderBatch', secondOrderBatch]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidInputError(`metric ${k} must be a positive integer, got ${v}`);
  }
  const dataset = settings.dataset ?? 'cifar10';
  return {
    dataset,
    batchSize,
    batches,
    seed: settings.seed ?? 0,
    fidelity,
    init: settings.init ?? defaultMetricInit(fidelity),
    network: settings.network ?? {},
    source: settings.source ?? cifarBatchSource(dataset, fidelity),
    secondOrderBatch,
    strict: settings.strict ?? false,
  };
}

export interface ArchScore {
  readonly arch: Arch;
  readonly values: Readonly<Partial<Record<MetricName, MetricValue>>>;
}

export interface ScoreOptions extends MetricSettings {
  /** Called after each architecture (progress reporting, journals), with its score and seconds taken. */
  readonly onArch?: (done: number, total: number, score: ArchScore, seconds: number) => void;
}

/**
 * Score single-architecture networks. Every architecture sees the same batches and a network
 * initialised from the same seed; metrics of one architecture share their forward/backward passes
 * (e.g. grad_norm, snip and plain use one backward).
 */
export function scoreArchitectures(archs: readonly Arch[], metrics: readonly string[], options: ScoreOptions = {}): ArchScore[] {
  const s = resolveSettings(options);
  const names = metrics.map(resolveMetricName);
  for (const n of names) {
    if (METRICS[n].evaluation.kind === 'pairwise') throw new InvalidInputError(`${n} compares candidates with each other and has no per-architecture score; use it through the EdgeMetric interface`);
  }
  const needsNetwork = names.some((n) => METRICS[n].evaluation.kind === 'network');
  const batches: TensorBatch[] = needsNetwork ? s.source(s.seed, s.batches, s.batchSize).map(toTensors) : [];
  try {
    return archs.map((arch, i) => {
      const started = performance.now();
      const score = { arch, values: scoreMask(Mask.single(arch), names, s, batches, archKey(arch)) };
      options.onArch?.(i + 1, archs.length, score, (performance.now() - started) / 1000);
      return score;
    });
  } finally {
    for (const b of batches) tf.dispose([b.x, b.y]);
  }
}

/** The seeded network every metric of `mask` sees under settings `s` (before any weight copy). */
export function buildMetricNetwork(mask: Mask, s: ResolvedSettings): NB201Network {
  const net = new NB201Network(mask, { ...s.network, seed: s.seed, init: buildScheme(s.init) });
  applyNetworkInit(net, s.init, s.seed);
  return net;
}

/** All requested metrics of one mask (single architecture or sub-supernet) on shared batches. */
export function scoreMask(mask: Mask, names: readonly MetricName[], s: ResolvedSettings, batches: readonly TensorBatch[], randomKey: number, weightSource?: NB201Network): Partial<Record<MetricName, MetricValue>> {
  const out: Partial<Record<MetricName, MetricValue>> = {};
  let net: NB201Network | undefined;
  const memo = new Map<string, unknown>();
  try {
    for (const name of names) {
      const ev = METRICS[name].evaluation;
      let value: MetricValue;
      if (ev.kind === 'mask') value = ev.compute(mask, s.network, s.fidelity);
      // Keyed by the architecture, so an architecture gets the same value whatever else is scored with it.
      else if (ev.kind === 'random') value = { value: ev.draw((s.seed * 0x9e3779b1) ^ randomKey, 1)[0] as number };
      else if (ev.kind === 'network') {
        if (!net) {
          net = buildMetricNetwork(mask, s);
          if (weightSource) net.copyFrom(weightSource);
        }
        const input: NetworkInput = { net, batches, fidelity: s.fidelity, seed: s.seed, secondOrderBatch: s.secondOrderBatch, memo, ...(weightSource ? { weightSource } : {}) };
        // Metrics return plain numbers; every tensor they leave behind is freed with the scope.
        tf.engine().startScope();
        try {
          value = ev.compute(input);
        } finally {
          tf.engine().endScope();
        }
      } else throw new InvalidInputError(`${name} has no per-network value`);
      if (!Number.isFinite(value.value)) throw new Error(`${name} produced ${value.value}: metrics must return finite values`);
      if (value.degenerate !== undefined && s.strict) throw new DegenerateNetworkError(name, value.degenerate);
      out[name] = value;
    }
  } finally {
    net?.dispose();
  }
  return out;
}
