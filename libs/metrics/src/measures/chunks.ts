import { Mask } from '@fsnas/nb201';
import { countParameters, type NB201Network } from '@fsnas/nn';
import { weightGradients } from './gradients';
import type { NetworkInput } from '../scoring/types';

/**
 * The reference's GradientCollector matrix (docs/reference.md §2.2, §9.1): per batch, the gradient of
 * Σ logits (eval-mode BN) w.r.t. every Conv/Linear weight of the *full* supernet, each tensor in
 * PyTorch layout (conv OIHW, linear [out,in]) reshaped to (C, −1) — C = 16 and the pieces concatenated along
 * columns. Row r is the r-th contiguous 1/16 of every tensor: "rows" are parameter chunks, not samples.
 *
 * Our networks hold only the allowed ops; the reference's removed ops are present with exactly-zero
 * gradients. Column order does not matter to any consumer (Gram matrices, correlations, norms), so the
 * missing tensors are accounted for as `zeroColumns` trailing zeros per row.
 */
export interface ChunkRows {
  /** rows × presentColumns, row-major. */
  readonly data: Float32Array;
  readonly rows: number;
  readonly presentColumns: number;
  /** Columns of the full supernet's matrix that are zero because their op is removed. */
  readonly zeroColumns: number;
}


export function referenceChunkRows(input: NetworkInput): ChunkRows {
  const key = 'reference-chunk-rows';
  const cached = input.memo.get(key) as ChunkRows | undefined;
  if (cached) return cached;
  const g = weightGradients(input, 'sum-logits');
  const shapes = input.net.params.weightEntries().map((e) => e.variable.shape);
  // The reference reshapes to (net._C, −1): 16 rows for the C=16 network.
  const chunkCount = input.net.config.C;
  const perBatchRows = g.perBatch.map((grads) => chunkRows(grads, shapes, chunkCount));
  const presentColumns = perBatchRows[0]?.length ? perBatchRows[0].length / chunkCount : 0;
  const rows = chunkCount * perBatchRows.length;
  const data = new Float32Array(rows * presentColumns);
  perBatchRows.forEach((m, b) => data.set(m, b * chunkCount * presentColumns));
  const result = { data, rows, presentColumns, zeroColumns: fullSupernetWeights(input.net) / chunkCount - presentColumns };
  input.memo.set(key, result);
  return result;
}

function fullSupernetWeights(net: NB201Network): number {
  return countParameters(Mask.full(), net.config).weights;
}

/** rows × (Σ size/rows) matrix of one batch's gradients, tensors converted to PyTorch layout first. */
export function chunkRows(grads: readonly Float32Array[], shapes: readonly (readonly number[])[], rows = 16): Float32Array {
  const torch = grads.map((g, i) => toTorchLayout(g, shapes[i] as readonly number[]));
  const cols = torch.reduce((n, t) => n + t.length / rows, 0);
  const out = new Float32Array(rows * cols);
  let offset = 0;
  for (const t of torch) {
    const chunk = t.length / rows;
    if (!Number.isInteger(chunk)) throw new Error(`tensor of ${t.length} values is not divisible into ${rows} rows`);
    for (let r = 0; r < rows; r++) out.set(t.subarray(r * chunk, (r + 1) * chunk), r * cols + offset);
    offset += chunk;
  }
  return out;
}

/** HWIO conv → OIHW; dense [in,out] → [out,in] (PyTorch's flattening order). */
export function toTorchLayout(values: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length === 4) {
    const [kh, kw, ci, co] = shape as [number, number, number, number];
    const out = new Float32Array(values.length);
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < ci; i++)
          for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = values[((y * kw + x) * ci + i) * co + o] as number;
    return out;
  }
  if (shape.length === 2) {
    const [ni, no] = shape as [number, number];
    const out = new Float32Array(values.length);
    for (let i = 0; i < ni; i++) for (let o = 0; o < no; o++) out[o * ni + i] = values[i * no + o] as number;
    return out;
  }
  return values;
}
