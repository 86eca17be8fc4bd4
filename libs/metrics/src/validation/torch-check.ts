import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsnasError, InvalidInputError, median } from '@fsnas/core';
import { toTensors, type TensorBatch } from '@fsnas/data';
import { Mask, formatArch, type Arch } from '@fsnas/nb201';
import { crossEntropy, runTorchPeer, tf } from '@fsnas/nn';
import type { MetricName } from '../scoring/registry';
import { buildMetricNetwork, resolveSettings, scoreMask, type MetricSettings } from '../scoring/score';

/** The proxies tools/bench/peer_zero_cost.py implements (NASLib's definitions). */
export const TORCH_PEER_METRICS = ['grad_norm', 'snip', 'grasp', 'synflow', 'jacob_cov', 'nwot'] as const satisfies readonly MetricName[];
export type TorchPeerMetric = (typeof TORCH_PEER_METRICS)[number];

export interface TorchCheckRow {
  readonly arch: string;
  /** Cross-entropy of the batch in train mode: ours, PyTorch's (checks that the weights were carried over). */
  readonly loss: readonly [number, number];
  readonly values: Readonly<Partial<Record<TorchPeerMetric, readonly [ours: number, torch: number]>>>;
}

export interface TorchCheck {
  readonly torch: string;
  readonly python: string;
  readonly rows: readonly TorchCheckRow[];
  /** Per metric, |ours − torch| / max(|torch|, 1e-6·scale) over the architectures: the largest and the median. */
  readonly maxRelativeDifference: Readonly<Partial<Record<TorchPeerMetric, number>>>;
  readonly medianRelativeDifference: Readonly<Partial<Record<TorchPeerMetric, number>>>;
}

interface PeerOutput {
  readonly torch: string;
  readonly rows: readonly { arch: string; loss: number; values: Record<string, number> }[];
}

const base64 = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * Our proxies against PyTorch on the *same* network weights and the *same* batch
 * (tools/bench/peer_same_weights.py, NASLib's definitions in tools/bench/peer_zero_cost.py).
 * Against NASLib's published scores, two runs differ in init and batch as well as in code; here
 * only the code differs, so a definition or autodiff error shows as a relative difference far
 * above float32 rounding.
 */
export function checkAgainstTorch(archs: readonly Arch[], metrics: readonly TorchPeerMetric[], settings: MetricSettings = {}): TorchCheck {
  const s = resolveSettings(settings);
  if (s.fidelity !== 'published') throw new InvalidInputError('the PyTorch check follows NASLib\'s definitions: use the published fidelity');
  if (s.batches !== 1) throw new InvalidInputError('the PyTorch check takes one batch');
  for (const m of metrics) if (!TORCH_PEER_METRICS.includes(m)) throw new InvalidInputError(`no PyTorch peer for '${m}'; checked: ${TORCH_PEER_METRICS.join(', ')}`);
  const config = { C: 16, N: 5, classes: 10, ...s.network };
  const [arrays] = s.source(s.seed, 1, s.batchSize);
  if (!arrays) throw new InvalidInputError('the batch source gave no batch');
  const batch: TensorBatch = toTensors(arrays);
  const ours: { arch: string; loss: number; values: Partial<Record<MetricName, number>> }[] = [];
  const networks = archs.map((arch) => {
    const mask = Mask.single(arch);
    const net = buildMetricNetwork(mask, s);
    try {
      const loss = tf.tidy(() => crossEntropy(net.forward(batch.x, { training: true, updateStats: false }).logits, batch.y).dataSync()[0] as number);
      const values = scoreMask(mask, metrics, s, [batch], 0, net);
      ours.push({ arch: formatArch(arch), loss, values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.value])) });
      const exported = [...net.params.weightEntries(), ...net.params.entries().filter((e) => e.name === 'classifier.bias')];
      return { arch: formatArch(arch), weights: exported.map((e) => ({ name: e.name, shape: e.variable.shape, data: base64(e.variable.dataSync() as Float32Array) })) };
    } finally {
      net.dispose();
    }
  });
  const dir = mkdtempSync(join(tmpdir(), 'fsnas-torch-check-'));
  let peer: ReturnType<typeof runTorchPeer<PeerOutput>>;
  try {
    const file = join(dir, 'spec.json');
    const spec = { ...config, metrics, threads: 1, x: { shape: arrays.shape, data: base64(arrays.x) }, y: Array.from(arrays.y), networks };
    writeFileSync(file, JSON.stringify(spec));
    peer = runTorchPeer<PeerOutput>('peer_same_weights.py', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    tf.dispose([batch.x, batch.y]);
  }
  if ('error' in peer) throw new FsnasError('TORCH_PEER_FAILED', peer.error);
  const answer = peer.value;
  const rows: TorchCheckRow[] = ours.map((o, i) => {
    const t = answer.rows[i];
    if (!t || t.arch !== o.arch) throw new FsnasError('TORCH_PEER_FAILED', `the peer answered for ${t?.arch ?? 'nothing'} where ${o.arch} was asked`);
    const values = Object.fromEntries(metrics.map((m) => [m, [o.values[m] as number, t.values[m] as number] as const]));
    return { arch: o.arch, loss: [o.loss, t.loss], values };
  });
  const relative = (m: TorchPeerMetric): number[] => {
    const pairs = rows.map((r) => r.values[m] as readonly [number, number]);
    const scale = Math.max(...pairs.map(([, t]) => Math.abs(t)));
    return pairs.map(([o, t]) => Math.abs(o - t) / Math.max(Math.abs(t), 1e-6 * scale));
  };
  const maxRelativeDifference = Object.fromEntries(metrics.map((m) => [m, Math.max(...relative(m))]));
  const medianRelativeDifference = Object.fromEntries(metrics.map((m) => [m, median(relative(m))]));
  return { torch: answer.torch, python: peer.python, rows, maxRelativeDifference, medianRelativeDifference };
}
