import { median } from '@fsnas/core';
import { Mask, formatArch, parseArch, type Arch } from '@fsnas/nb201';
import { currentBackend, initBackend, machinePeak, runTorchPeer, type PeakInfo } from '@fsnas/nn';
import { gaussianBatchSource, type BatchSource } from './scoring/data';
import { createEdgeMetric } from './scoring/edge';
import { metricGflop } from './scoring/flop-model';
import { METRIC_NAMES, METRICS, type MetricName } from './scoring/registry';
import { scoreArchitectures } from './scoring/score';
import { TORCH_PEER_METRICS } from './validation/torch-check';

/**
 * `perfMetrics()`: timing rows for `fsnas bench metrics` (wired by the CLI). Not a unit test.
 * - per-arch: wall time of one metric on one single-architecture C=16/N=5 network at batch 64
 *   (network build included, median over `repeats` × the timed architectures);
 * - split-node: one EdgeMetric call on the root split of edge 0 — 5 candidates + the parent
 *   (reference mode, full supernet) at batch 16, as the paper's splitter runs it.
 * Data are seeded Gaussian images so the timings do not depend on the data files; timings depend on
 * the backend and on how loaded the machine is (medians, one process).
 * FLOPs come from the analytic model in flop-model.ts; a per-arch row's GFLOP is the mean over the
 * timed architectures and its GFLOP/s the median of the per-measurement rates.
 */
export interface MetricPerfRow {
  readonly workload: 'per-arch' | 'split-node';
  readonly metric: MetricName;
  readonly medianMs: number;
  /** Median process CPU time (user + sys, all threads): robust to other load on the machine. */
  readonly medianCpuMs: number;
  readonly repeats: number;
  readonly work: string;
  readonly backend: string;
  /** Analytic GFLOP of the workload (flop-model.ts). */
  readonly gflop: number;
  readonly gflops: number;
  /** GFLOP/s over the machine's theoretical FP32 peak (nn's machinePeak). */
  readonly peakFraction: number;
  /** PyTorch peer (tools/bench/peer_zero_cost.py, NASLib's definition) on the same architectures, and ours / its. */
  readonly peerMs?: number;
  readonly peerCpuMs?: number;
  readonly ratio?: number;
  /** ours / PyTorch process CPU time. */
  readonly cpuRatio?: number;
}


export interface MetricPerfOptions {
  readonly metrics?: readonly MetricName[];
  readonly repeats?: number;
  readonly archs?: readonly Arch[];
  readonly perArchBatch?: number;
  readonly splitBatch?: number;
  readonly splitNode?: boolean;
  /** Time the PyTorch peer too, when a Python with torch is found (default true). */
  readonly peer?: boolean;
  readonly source?: BatchSource;
  /** Called after each row (progress). */
  readonly onRow?: (row: MetricPerfRow) => void;
}

/** Three architectures spanning the cost range: all 3×3 convs, a typical mix, parameter-free. */
export const PERF_ARCHS: readonly Arch[] = [
  '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|',
  '|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|nor_conv_1x1~1|skip_connect~2|',
  '|avg_pool_3x3~0|+|skip_connect~0|none~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|',
].map(parseArch);


export interface MetricPerf {
  readonly peak: PeakInfo;
  readonly rows: readonly MetricPerfRow[];
}

export async function perfMetrics(options: MetricPerfOptions = {}): Promise<MetricPerf> {
  await initBackend({ log: false });
  const peak = machinePeak();
  const backend = currentBackend()?.name ?? 'unknown';
  const metrics = options.metrics ?? METRIC_NAMES;
  const repeats = options.repeats ?? 1;
  const archs = options.archs ?? PERF_ARCHS;
  const source = options.source ?? gaussianBatchSource();
  const perArchBatch = options.perArchBatch ?? 64;
  const splitBatch = options.splitBatch ?? 16;
  const rows: MetricPerfRow[] = [];
  const push = (row: MetricPerfRow): void => {
    rows.push(row);
    options.onRow?.(row);
  };
  const peer = options.peer === false ? new Map<MetricName, { ms: number; cpuMs: number }>() : peerTimes(metrics.filter((m) => (TORCH_PEER_METRICS as readonly MetricName[]).includes(m)), archs, perArchBatch, repeats);
  for (const metric of metrics) {
    if (METRICS[metric].evaluation.kind === 'pairwise') continue;
    const times: number[] = [];
    const cpus: number[] = [];
    const rates: number[] = [];
    const archGflop = archs.map((arch) => metricGflop(metric, Mask.single(arch), { batch: perArchBatch, fidelity: 'published' }));
    for (let r = 0; r < repeats; r++) {
      archs.forEach((arch, a) => {
        const t = performance.now();
        const c = process.cpuUsage();
        scoreArchitectures([arch], [metric], { batchSize: perArchBatch, source, seed: r });
        const ms = performance.now() - t;
        const dc = process.cpuUsage(c);
        times.push(ms);
        cpus.push((dc.user + dc.system) / 1000);
        rates.push((archGflop[a] as number) / (ms / 1000));
      });
    }
    const peerRow = options.peer === false ? undefined : peer.get(metric);
    const gflops = median(rates);
    push({
      workload: 'per-arch',
      metric,
      medianMs: median(times),
      medianCpuMs: median(cpus),
      repeats: times.length,
      work: `1 arch, batch ${perArchBatch}, C=16 N=5`,
      backend,
      gflop: archGflop.reduce((a, b) => a + b, 0) / archGflop.length,
      gflops,
      peakFraction: gflops / peak.gflops,
      ...(peerRow ? { peerMs: peerRow.ms, peerCpuMs: peerRow.cpuMs, ratio: median(times) / peerRow.ms, cpuRatio: median(cpus) / peerRow.cpuMs } : {}),
    });
  }
  if (options.splitNode ?? true) {
    const parent = Mask.full();
    const candidates = [0, 1, 2, 3, 4].map((op) => parent.restrict(0, [op]));
    for (const metric of metrics) {
      const edge = createEdgeMetric(metric, { fidelity: 'reference', batchSize: splitBatch, source });
      const evaluated = METRICS[metric].usesReference ? [...candidates, parent] : candidates;
      const gflop = evaluated.reduce((sum, mask) => sum + metricGflop(metric, mask, { batch: splitBatch, fidelity: 'reference' }), 0);
      const times: number[] = [];
      const cpus: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const t = performance.now();
        const c = process.cpuUsage();
        await edge.evaluateEdge({ candidates, parent, edge: 0, seed: r });
        const dc = process.cpuUsage(c);
        times.push(performance.now() - t);
        cpus.push((dc.user + dc.system) / 1000);
      }
      const gflops = gflop / (median(times) / 1000);
      push({
        workload: 'split-node',
        metric,
        medianMs: median(times),
        medianCpuMs: median(cpus),
        repeats,
        work: `${evaluated.length === candidates.length ? '5 candidates' : '5 candidates + parent'}, supernet C=16 N=5, batch ${splitBatch}, reference mode`,
        backend,
        gflop,
        gflops,
        peakFraction: gflops / peak.gflops,
      });
    }
  }
  return { peak, rows };
}

export function formatMetricPerf(perf: MetricPerf): string {
  const { peak, rows } = perf;
  return [
    `peak: ${peak.gflops.toFixed(0)} GFLOP/s = ${peak.formula}`,
    `${'workload'.padEnd(11)} ${'metric'.padEnd(18)} ${'GFLOP'.padStart(7)} ${'median ms'.padStart(10)} ${'cpu ms'.padStart(8)} ${'GFLOP/s'.padStart(8)} ${'%peak'.padStart(6)} ${'torch ms'.padStart(9)} ${'torch cpu'.padStart(9)} ${'ours/torch'.padStart(10)} ${'cpu ratio'.padStart(9)}  work (backend)`,
    ...rows.map(
      (r) =>
        `${r.workload.padEnd(11)} ${r.metric.padEnd(18)} ${r.gflop.toFixed(2).padStart(7)} ${r.medianMs.toFixed(0).padStart(10)} ${r.medianCpuMs.toFixed(0).padStart(8)} ${r.gflops.toFixed(1).padStart(8)} ${`${(100 * r.peakFraction).toFixed(1)}%`.padStart(6)} ${(r.peerMs?.toFixed(0) ?? '–').padStart(9)} ${(r.peerCpuMs?.toFixed(0) ?? '–').padStart(9)} ${(r.ratio ? `${r.ratio.toFixed(2)}×` : '–').padStart(10)} ${(r.cpuRatio ? `${r.cpuRatio.toFixed(2)}×` : '–').padStart(9)}  ${r.work} (${r.backend}, median of ${r.repeats})`,
    ),
  ].join('\n');
}

/** Median wall and CPU ms per metric of the PyTorch peer, or an empty map when it cannot run (said on stderr). */
function peerTimes(metrics: readonly MetricName[], archs: readonly Arch[], batch: number, repeats: number): Map<MetricName, { ms: number; cpuMs: number }> {
  if (metrics.length === 0) return new Map();
  const res = runTorchPeer<{ rows: { metric: MetricName; median_ms: number; median_cpu_ms: number }[] }>('peer_zero_cost.py', { archs: archs.map(formatArch), metrics, batch, C: 16, N: 5, classes: 10, repeats, threads: 2 });
  if ('error' in res) {
    process.stderr.write(`bench metrics: PyTorch peer skipped: ${res.error}\n`);
    return new Map();
  }
  return new Map(res.value.rows.map((r) => [r.metric, { ms: r.median_ms, cpuMs: r.median_cpu_ms }]));
}
