import { EDGES, NUM_EDGES, NUM_OPS, type Mask, type OpId } from '@fsnas/nb201';
import * as tf from '@tensorflow/tfjs-core';
import { avgPool3x3, convBN, relu, type ConvBN, type LayerContext } from './layers';
import { fastRelu } from './tuning';

const NONE = 0;
const SKIP = 1;
const CONV1 = 2;
const CONV3 = 3;
const POOL = 4;

/** The parameterised ops of one cell: `convs[edge][op]` for op 2 (1×1) and 3 (3×3) when allowed. */
export interface CellParams {
  readonly name: string;
  readonly convs: readonly (readonly (ConvBN | undefined)[])[];
}

/**
 * Per-op edge weights for one forward pass: `scalars[e*5+op]` (scalar tensors, e.g. softmax(α)
 * unstacked once per forward and shared by all cells), or undefined for the uniform mean of the
 * allowed ops ("joint" mode: 1/k_e, `none` counting in k_e).
 */
export type EdgeScalars = readonly tf.Scalar[] | undefined;

/**
 * One NB201 cell (docs/reference.md §1.2): node i = Σ_{j<i} edge(i<-j)(node j); output node 3.
 *
 * Speed: removed ops and `none` are never computed, and a known-zero node (every incoming op was
 * `none`) is tracked as `null` so that skip/pool/none on it cost nothing. ReLU of a node is computed
 * once and shared by every conv op reading that node, except in a per-module pass (LayerContext),
 * where each ReLU-Conv-BN op computes and reports its own. The terms of a node are summed with one AddN
 * per distinct scale (in the uniform case each edge's 1/k_e), then scaled once.
 *
 * `mask` is the forward's (ForwardOptions.mask, else the network's): the ops this call computes. Every
 * conv op it allows must have parameters in `cell`, which the network checks before it calls this.
 */
export function cellForward(x: tf.Tensor4D, cell: CellParams, mask: Mask, edgeScalars: EdgeScalars, ctx: LayerContext): tf.Tensor4D {
  const nodes: (tf.Tensor4D | null)[] = [x];
  const relus: (tf.Tensor4D | undefined)[] = [];
  const reluOf = (j: number, module: string): tf.Tensor4D => {
    if (ctx.perModule) return relu(nodes[j] ?? tf.zerosLike(x), `${module}.relu`, ctx);
    let r = relus[j];
    if (!r) {
      const node = nodes[j];
      // A conv reading a known-zero node still runs: in eval mode its BN maps 0 to a non-zero shift.
      r = node === null || node === undefined ? tf.zerosLike(x) : fastRelu(node);
      relus[j] = r;
    }
    return r;
  };
  for (let i = 1; i <= 3; i++) {
    // Terms grouped by their uniform scale (1/k_e); with explicit weights each term is pre-scaled.
    const groups = new Map<number, tf.Tensor4D[]>();
    const weighted: tf.Tensor4D[] = [];
    for (let e = 0; e < NUM_EDGES; e++) {
      const edge = EDGES[e];
      if (!edge || edge.to !== i) continue;
      const ops = mask.allowedOps(e);
      const src = nodes[edge.from] ?? null;
      for (const op of ops) {
        const out = opForward(op, e, src, reluOf, edge.from, cell, ctx);
        if (!out) continue;
        if (edgeScalars) {
          const w = edgeScalars[e * NUM_OPS + op];
          if (!w) throw new Error(`edge weight [${e}][${op}] missing`);
          weighted.push(tf.mul(out, w));
        } else {
          const scale = 1 / ops.length;
          const list = groups.get(scale);
          if (list) list.push(out);
          else groups.set(scale, [out]);
        }
      }
    }
    const parts: tf.Tensor4D[] = [...weighted];
    for (const [scale, list] of groups) {
      const sum = list.length === 1 ? (list[0] as tf.Tensor4D) : tf.addN(list);
      parts.push(scale === 1 ? sum : tf.mul(sum, scale));
    }
    nodes[i] = parts.length === 0 ? null : parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.addN(parts);
  }
  return nodes[3] ?? tf.zerosLike(x);
}

function opForward(
  op: OpId,
  e: number,
  src: tf.Tensor4D | null,
  reluOf: (j: number, module: string) => tf.Tensor4D,
  from: number,
  cell: CellParams,
  ctx: LayerContext,
): tf.Tensor4D | null {
  switch (op) {
    case NONE:
      return null;
    case SKIP:
      return src;
    case POOL:
      return src === null ? null : avgPool3x3(src);
    case CONV1:
    case CONV3: {
      const layer = cell.convs[e]?.[op];
      if (!layer) throw new Error(`${cell.name}: edge ${e} op ${op} has no parameters`);
      return convBN(reluOf(from, layer.name), layer, ctx);
    }
  }
}
