import os from 'node:os';
import { InvalidInputError, Rng, median } from '@fsnas/core';
import { Mask, parseArch, type Arch } from '@fsnas/nb201';
import * as tf from '@tensorflow/tfjs-core';
import { currentBackend, initBackend, type BackendName } from './backend';
import { forwardMacs } from './flops';
import { NB201Network } from './network';
import { Sgd, crossEntropy } from './optim';
import { machinePeak, type PeakInfo } from './peak';
import { runTorchPeer } from './torch-peer';

/** NAS-Bench-201's best CIFAR-10 architecture: workload (b). */
export const BEST_NB201_ARCH = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|';

export interface Workload {
  name: string;
  description: string;
  arch: 'supernet' | string;
  batch: number;
  /** train-step: train-mode fwd + bwd + SGD; fwd-bwd: eval-mode fwd + bwd (metric style). */
  mode: 'train-step' | 'fwd-bwd';
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'a', description: 'supernet train step (fwd+bwd+SGD), batch 64', arch: 'supernet', batch: 64, mode: 'train-step' },
  { name: 'b', description: 'single-arch train step (best NB201 arch), batch 64', arch: BEST_NB201_ARCH, batch: 64, mode: 'train-step' },
  { name: 'c', description: 'supernet fwd+bwd (metric pass, eval BN), batch 16', arch: 'supernet', batch: 16, mode: 'fwd-bwd' },
];

export interface NnPerfOptions {
  /** Backends to time; default: every one that initialises, wasm and cpu always tried. */
  backends?: BackendName[];
  workloads?: string[];
  /** Timed repeats after one warm-up (default 3); the pure-JS cpu backend gets `cpuRepeats` (default 1, no warm-up). */
  repeats?: number;
  cpuRepeats?: number;
  /** Workloads the pure-JS cpu backend runs (default b and c: (a) takes many minutes there). */
  cpuWorkloads?: string[];
  /** Run the PyTorch peer (tools/bench/peer_nb201.py). Default true. */
  peer?: boolean;
  /** Profile one step of this workload on `profileBackend` (default wasm) and list the slowest kernels. Default 'c'. */
  profileWorkload?: string | false;
  profileBackend?: BackendName;
  C?: number;
  N?: number;
  classes?: number;
  log?: (line: string) => void;
}

export interface NnPerfRow {
  backend: string;
  workload: string;
  description: string;
  batch: number;
  /** Analytic FLOPs of the workload: 2·MACs forward, ×3 for forward + backward. */
  gflop: number;
  repeats: number;
  medianMs: number;
  /** Median process CPU time (user + sys) per step: robust to other load on the machine. */
  medianCpuMs: number;
  gflops: number;
  /** GFLOP/s over the machine's theoretical peak. */
  peakFraction: number;
  peerMs?: number;
  peerCpuMs?: number;
  /** ours / PyTorch wall time (lower is better; 1.0 = parity). */
  ratio?: number;
  /** ours / PyTorch process CPU time (total core-ms; parity of work regardless of threads and load). */
  cpuRatio?: number;
}

export interface KernelTime {
  kernel: string;
  ms: number;
  calls: number;
  share: number;
}

export interface NnPerf {
  peak: PeakInfo;
  /** 1-minute load average before and after: timings are only comparable on a quiet machine. */
  loadAverage: [number, number];
  rows: NnPerfRow[];
  peer?: { torch: string; threads: number; model: string; python: string } | { error: string };
  profile?: { backend: string; workload: string; totalMs: number; kernels: KernelTime[] };
}

/** `npx fsnas bench nn`: time the NB201 workloads on each backend and on PyTorch CPU. */
export async function perfNn(options: NnPerfOptions = {}): Promise<NnPerf> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cfg = { C: options.C ?? 16, N: options.N ?? 5, classes: options.classes ?? 10 };
  const unknown = options.workloads?.filter((name) => !WORKLOADS.some((w) => w.name === name)) ?? [];
  if (unknown.length > 0) throw new InvalidInputError(`--workloads: unknown workload '${unknown.join("', '")}'; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
  const workloads = WORKLOADS.filter((w) => !options.workloads || options.workloads.includes(w.name));
  const peak = machinePeak();
  const load0 = os.loadavg()[0] ?? 0;
  const previous = currentBackend()?.name;
  const backends = options.backends ?? (await availableBackends());
  const rows: NnPerfRow[] = [];
  let profile: NnPerf['profile'];
  for (const backend of backends) {
    await initBackend({ backend, log: false });
    const repeats = backend === 'cpu' ? (options.cpuRepeats ?? 1) : (options.repeats ?? 3);
    const warmup = backend === 'cpu' ? 0 : 1;
    const cpuWorkloads = options.cpuWorkloads ?? ['b', 'c'];
    for (const w of workloads) {
      if (backend === 'cpu' && !cpuWorkloads.includes(w.name)) continue;
      const macs = forwardMacs(archOf(w.arch), cfg) * w.batch;
      const gflop = (2 * macs * 3) / 1e9;
      const { times, cpu } = timeWorkload(w, cfg, repeats, warmup);
      const medianMs = median(times);
      const medianCpuMs = median(cpu);
      const gflops = gflop / (medianMs / 1000);
      rows.push({ backend, workload: w.name, description: w.description, batch: w.batch, gflop, repeats, medianMs, medianCpuMs, gflops, peakFraction: gflops / peak.gflops });
      log(`bench nn: ${backend} (${w.name}) ${w.description}: ${medianMs.toFixed(0)} ms (cpu ${medianCpuMs.toFixed(0)} ms), ${gflops.toFixed(1)} GFLOP/s`);
    }
    if (!profile && options.profileWorkload !== false && backend === (options.profileBackend ?? 'wasm')) {
      const w = workloads.find((x) => x.name === (options.profileWorkload ?? 'c')) ?? workloads[0];
      if (w) profile = { backend, workload: w.name, ...(await profileWorkload(w, cfg)) };
    }
  }
  let peer: NnPerf['peer'];
  if (options.peer ?? true) {
    peer = runPeer(workloads, cfg, options.repeats ?? 3, log, rows);
  }
  if (previous) await initBackend({ backend: previous, log: false });
  return { peak, loadAverage: [load0, os.loadavg()[0] ?? 0], rows, ...(peer ? { peer } : {}), ...(profile ? { profile } : {}) };
}

async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const b of ['node-gpu', 'node', 'wasm', 'cpu'] as const) {
    try {
      await initBackend({ backend: b, log: false });
      out.push(b);
    } catch {
      // not installed here
    }
  }
  return out;
}

function archOf(arch: string): Mask | Arch {
  return arch === 'supernet' ? Mask.full() : parseArch(arch);
}

function makeInputs(batch: number, classes: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(1);
  const x = tf.tensor4d(Float32Array.from({ length: batch * 32 * 32 * 3 }, () => rng.normal()), [batch, 32, 32, 3]);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % classes), 'int32');
  return { x, y };
}

/** One workload step on the current backend, synchronised by reading the loss. */
function makeStep(w: Workload, cfg: { C: number; N: number; classes: number }): { step: () => void; dispose: () => void } {
  const net = new NB201Network(archOf(w.arch), { ...cfg, seed: 0 });
  const { x, y } = makeInputs(w.batch, cfg.classes);
  const opt = new Sgd({ lr: 0.025, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const vars = net.params.variables();
  const training = w.mode === 'train-step';
  const step = (): void => {
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, { training }).logits, y), vars);
    if (training) opt.step(vars, grads);
    // The CPU engines compute synchronously: reading the loss is enough. An asynchronous (GPU) engine
    // must also finish the gradients; reducing all 560 of them would add ~1,100 kernels to a CPU step
    // that PyTorch's peer does not run.
    else if (!backendSynchronous()) tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(g))).dataSync());
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  return {
    step,
    dispose: () => {
      tf.dispose([x, y]);
      opt.dispose();
      net.dispose();
    },
  };
}

/** wasm, cpu and tfjs-node on the CPU run every kernel to completion before returning. */
function backendSynchronous(): boolean {
  const info = currentBackend();
  return info !== undefined && !info.devices.includes('GPU');
}

function timeWorkload(w: Workload, cfg: { C: number; N: number; classes: number }, repeats: number, warmup: number): { times: number[]; cpu: number[] } {
  const { step, dispose } = makeStep(w, cfg);
  const times: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < warmup + repeats; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      step();
      const dc = process.cpuUsage(c);
      if (i >= warmup) {
        times.push(performance.now() - t);
        cpu.push((dc.user + dc.system) / 1000);
      }
    }
  } finally {
    dispose();
  }
  return { times, cpu };
}

async function profileWorkload(w: Workload, cfg: { C: number; N: number; classes: number }): Promise<{ totalMs: number; kernels: KernelTime[] }> {
  const { step, dispose } = makeStep(w, cfg);
  try {
    step();
    const info = await tf.profile(() => step());
    const agg = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const a = agg.get(k.name) ?? { ms: 0, calls: 0 };
      a.ms += Number(k.kernelTimeMs) || 0;
      a.calls += 1;
      agg.set(k.name, a);
    }
    const totalMs = [...agg.values()].reduce((s, a) => s + a.ms, 0);
    const kernels = [...agg]
      .map(([kernel, a]) => ({ kernel, ms: a.ms, calls: a.calls, share: a.ms / totalMs }))
      .sort((p, q) => q.ms - p.ms)
      .slice(0, 12);
    return { totalMs, kernels };
  } finally {
    dispose();
  }
}

/** Output of tools/bench/peer_nb201.py. */
export interface Nb201PeerOutput {
  readonly torch: string;
  readonly threads: number;
  readonly model: string;
  readonly rows: readonly { readonly name: string; readonly median_ms: number; readonly median_cpu_ms: number }[];
}

function runPeer(workloads: readonly Workload[], cfg: { C: number; N: number; classes: number }, repeats: number, log: (l: string) => void, rows: NnPerfRow[]): NnPerf['peer'] {
  const spec = { workloads: workloads.map(({ name, arch, batch, mode }) => ({ name, arch, batch, mode })), ...cfg, repeats, warmup: 1, threads: machinePeak().cores };
  const res = runTorchPeer<Nb201PeerOutput>('peer_nb201.py', spec);
  if ('error' in res) return { error: res.error };
  const out = res.value;
  for (const p of out.rows) {
    log(`bench nn: pytorch (${p.name}): ${p.median_ms.toFixed(0)} ms (cpu ${p.median_cpu_ms.toFixed(0)} ms)`);
    for (const r of rows.filter((row) => row.workload === p.name)) {
      r.peerMs = p.median_ms;
      r.peerCpuMs = p.median_cpu_ms;
      r.ratio = r.medianMs / p.median_ms;
      r.cpuRatio = r.medianCpuMs / p.median_cpu_ms;
    }
  }
  return { torch: out.torch, threads: out.threads, model: out.model, python: res.python };
}


/** The perf table as text. */
export function formatNnPerf(result: NnPerf): string {
  const lines = [
    `peak: ${result.peak.gflops.toFixed(0)} GFLOP/s = ${result.peak.formula}; one-core wasm SIMD128 peak ${result.peak.wasmSimdSingleCoreGflops.toFixed(0)} GFLOP/s`,
    `load average ${result.loadAverage[0].toFixed(1)} → ${result.loadAverage[1].toFixed(1)} on ${result.peak.cores} cores`,
    'backend  wl  batch  GFLOP   median ms  cpu ms  GFLOP/s  %peak   torch ms  torch cpu  ours/torch  cpu ratio',
  ];
  for (const r of result.rows) {
    lines.push(
      [
        r.backend.padEnd(8),
        r.workload.padEnd(3),
        String(r.batch).padStart(5),
        r.gflop.toFixed(1).padStart(6),
        r.medianMs.toFixed(0).padStart(11),
        r.medianCpuMs.toFixed(0).padStart(7),
        r.gflops.toFixed(1).padStart(8),
        `${(100 * r.peakFraction).toFixed(1)}%`.padStart(6),
        (r.peerMs === undefined ? '-' : r.peerMs.toFixed(0)).padStart(10),
        (r.peerCpuMs === undefined ? '-' : r.peerCpuMs.toFixed(0)).padStart(10),
        (r.ratio === undefined ? '-' : `${r.ratio.toFixed(2)}×`).padStart(11),
        (r.cpuRatio === undefined ? '-' : `${r.cpuRatio.toFixed(2)}×`).padStart(10),
      ].join(' '),
    );
  }
  if (result.peer && 'error' in result.peer) lines.push(`peer: ${result.peer.error}`);
  else if (result.peer) lines.push(`peer: torch ${result.peer.torch}, ${result.peer.threads} threads, model ${result.peer.model}`);
  if (result.profile) {
    lines.push(`slowest kernels, ${result.profile.backend} workload ${result.profile.workload} (${result.profile.totalMs.toFixed(0)} ms kernel time):`);
    for (const k of result.profile.kernels) lines.push(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(0).padStart(7)} ms ${String(k.calls).padStart(5)} calls ${(100 * k.share).toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}
