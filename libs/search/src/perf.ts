import { Rng, type Fidelity } from '@fsnas/core';
import { Mask } from '@fsnas/nb201';
import { currentBackend, initBackend, runTorchPeer, tf, type BackendName } from '@fsnas/nn';
import type { Nb201PeerOutput } from '@fsnas/nn/perf';
import { ArchAdam, initAlphas } from './alphas';
import { ALGORITHMS, algorithm, type AlgoName } from './algorithms';
import { budgetConfig } from './budgets';
import { createStepContext } from './search';
import { SearchModel, type Batch } from './supernet';
import { WeightSgd } from './weight-optim';

export interface SearchPerfOptions {
  /** Default: every algorithm (published) plus the reference "DSNAS". */
  readonly algos?: readonly { algo: AlgoName; fidelity: Fidelity }[];
  readonly C?: number;
  readonly N?: number;
  readonly batchSize?: number;
  readonly imageSize?: number;
  /** Timed steps after one warm-up step. */
  readonly steps?: number;
  readonly backend?: BackendName;
  readonly mask?: Mask;
  /** Time the PyTorch peer's equivalent of a DARTS step (default true; full supernet only). */
  readonly peer?: boolean;
}

export interface SearchPerfRow {
  readonly algo: AlgoName;
  readonly fidelity: Fidelity;
  readonly backend: string;
  readonly shape: string;
  /** Median seconds per search step (weights + α), over `steps` timed steps. */
  readonly medianStepSeconds: number | null;
  readonly stepsPerSecond: number | null;
  readonly steps: number;
  /** PyTorch peer, DARTS (published) only: supernet train step + supernet fwd+bwd (tools/bench/peer_nb201.py), and ours / its. */
  readonly peerStepSeconds?: number;
  readonly ratio?: number;
  readonly error?: string;
}

/**
 * Search steps per second (one step = the weight step on a train batch + the α step on a valid batch,
 * as in runSearch) on random data, per algorithm. Defaults: the paper's shape, batch 64, C=16, N=5,
 * 32×32, full supernet, on the default backend. Not a unit test: `fsnas bench search` runs it.
 */
export async function perfSearch(options: SearchPerfOptions = {}): Promise<SearchPerfRow[]> {
  const info = await initBackend({ ...(options.backend ? { backend: options.backend } : {}), log: false });
  const C = options.C ?? 16;
  const N = options.N ?? 5;
  const B = options.batchSize ?? 64;
  const S = options.imageSize ?? 32;
  const steps = options.steps ?? 3;
  const mask = options.mask ?? Mask.full();
  const algos = options.algos ?? [...ALGORITHMS.map((algo) => ({ algo, fidelity: 'published' as Fidelity })), { algo: 'dsnas' as AlgoName, fidelity: 'reference' as Fidelity }];
  const rows: SearchPerfRow[] = [];
  const peer = options.peer !== false && mask.size === Mask.full().size && algos.some((a) => a.algo === 'darts' && a.fidelity === 'published') ? dartsPeerSeconds(C, N, B) : undefined;
  for (const { algo, fidelity } of algos) {
    const shape = `C=${C} N=${N} batch ${B} ${S}×${S} ${mask.size} archs`;
    const config = { ...budgetConfig('paper', { algo, fidelity, mask: mask.toRows(), seed: 1 }), net: { C, N, classes: 10 } };
    const a = algorithm(algo);
    let model: SearchModel | undefined;
    const sgd = new WeightSgd({ lr: config.lr, momentum: config.momentum, nesterov: true, weightDecay: config.weightDecay });
    const batches: Batch[] = [];
    try {
      model = new SearchModel(mask, { C, N, classes: 10, affine: false }, 1, initAlphas(a.alphaInit, new Rng(1)));
      const ctx = createStepContext({ model, sgd, adam: new ArchAdam({ lr: config.archLr, betas: config.archBetas, weightDecay: config.archWeightDecay }), config, epoch: 0, lr: config.lr, rng: new Rng(2) });
      for (let i = 0; i < 2; i++) batches.push({ x: tf.randomNormal([B, S, S, 3], 0, 1, 'float32', 10 + i) as tf.Tensor4D, y: tf.tensor1d(Array.from({ length: B }, (_, k) => (k * 7 + i) % 10), 'int32') });
      const [train, valid] = batches as [Batch, Batch];
      const times: number[] = [];
      for (let s = 0; s <= steps; s++) {
        const t = performance.now();
        a.step(ctx, train, valid);
        if (s > 0) times.push((performance.now() - t) / 1000);
      }
      times.sort((x, y) => x - y);
      const median = times[Math.floor(times.length / 2)] as number;
      const vsPeer = peer !== undefined && algo === 'darts' && fidelity === 'published' ? { peerStepSeconds: peer, ratio: median / peer } : {};
      rows.push({ algo, fidelity, backend: currentBackend()?.name ?? info.name, shape, medianStepSeconds: median, stepsPerSecond: 1 / median, steps, ...vsPeer });
    } catch (error) {
      rows.push({ algo, fidelity, backend: info.name, shape, medianStepSeconds: null, stepsPerSecond: null, steps, error: error instanceof Error ? error.message.split('\n')[0] ?? String(error) : String(error) });
    } finally {
      for (const b of batches) tf.dispose([b.x, b.y]);
      model?.dispose();
      sgd.dispose();
    }
  }
  return rows;
}

/**
 * PyTorch's time for what a first-order DARTS step computes: a weight step (forward, backward, SGD) and
 * a forward+backward for α, on the mixed supernet. The peer's supernet weighs ops uniformly (no α
 * parameter), which costs the same up to the softmax. Undefined when the peer cannot run (said on stderr).
 */
function dartsPeerSeconds(C: number, N: number, batch: number): number | undefined {
  const workloads = [
    { name: 'weights', arch: 'supernet', batch, mode: 'train-step' },
    { name: 'alpha', arch: 'supernet', batch, mode: 'fwd-bwd' },
  ];
  const res = runTorchPeer<Nb201PeerOutput>('peer_nb201.py', { workloads, C, N, classes: 10, repeats: 1, warmup: 1, threads: 2 });
  if ('error' in res) {
    process.stderr.write(`bench search: PyTorch peer skipped: ${res.error}\n`);
    return undefined;
  }
  return res.value.rows.reduce((sum, r) => sum + r.median_ms, 0) / 1000;
}

export function formatSearchPerf(rows: readonly SearchPerfRow[]): string {
  const lines = rows.map((r) =>
    r.stepsPerSecond === null
      ? `${`${r.algo} (${r.fidelity})`.padEnd(20)} ${r.backend.padEnd(8)} failed: ${r.error ?? '?'}`
      : `${`${r.algo} (${r.fidelity})`.padEnd(20)} ${r.backend.padEnd(8)} ${r.stepsPerSecond.toFixed(3).padStart(8)} steps/s  ${(r.medianStepSeconds as number).toFixed(2).padStart(7)} s/step  (median of ${r.steps}; ${r.shape})${r.ratio !== undefined ? `  PyTorch ${(r.peerStepSeconds as number).toFixed(2)} s/step, ours/torch ${r.ratio.toFixed(2)}×` : ''}`,
  );
  return [`${'algorithm'.padEnd(20)} ${'backend'.padEnd(8)} ${'rate'.padStart(8)}`, ...lines].join('\n');
}
