import { Rng, InvalidInputError } from '@fsnas/core';
import { NUM_EDGES, NUM_OPS, opSpec, type Mask, type OpKind } from '@fsnas/nb201';
import * as tf from '@tensorflow/tfjs-core';
import type { BatchNormParams } from './bn';
import { cellForward, type CellParams, type EdgeScalars } from './cell';
import { checkpointed } from './checkpoint';
import { resolveNetConfig, toMask, type MaskLike, type NetConfig } from './config';
import { sampleWeights, type InitScheme } from './init';
import { batchNormLayer, convBN, layerOutput, paramOf, relu, type BnMode, type ConvBN, type LayerContext } from './layers';
import { ParamStore } from './params';
import { backendTuning } from './tuning';

export type { BnMode } from './layers';

export interface BuildOptions extends Partial<NetConfig> {
  /** Weight init of Conv/Linear weights (default kaiming_normal_fanin). */
  init?: InitScheme;
  /** Seed of the init draws (default 0). Same seed + same config ⇒ identical weights on every backend. */
  seed?: number;
}

export interface ForwardOptions {
  /** Train or eval pass: the default BN mode ('batch' or 'running') and whether checkpointing may apply. */
  training: boolean;
  /** How BN layers normalise; default 'batch' when training, else 'running'. 'identity' removes BN (synflow). */
  bn?: BnMode;
  /**
   * Optional 6×5 per-edge op weights (e.g. softmax(α) of one-shot search). Ops the mask removes
   * are still skipped; without it each edge is the mean of its allowed ops.
   */
  edgeWeights?: tf.Tensor2D;
  /**
   * The ops this call computes: a sub-mask of the network's own (a single path, a pruned mask),
   * so a one-shot search runs one built network on whatever subset a step needs without rebuilding
   * or mutating it. Default: the network's mask.
   */
  mask?: Mask;
  /** Batch-mode BN only: update the running statistics (default true; with `param` false, its statistics being plain tensors). */
  updateStats?: boolean;
  /**
   * Functional parameter overrides: the value of every parameter and BN statistic by its name (a
   * ParamStore name), in place of the network's variable, e.g. |θ| for synflow or tensors that a
   * tf.grads differentiates (grasp). Must give every name the pass reads.
   */
  param?: (name: string) => tf.Tensor;
  /**
   * Applied to every Conv/Linear output (pre-BN; the classifier's after its bias, where NASLib's fisher
   * hooks F.linear), named by its weight, in module order; the pass continues with what it returns.
   */
  onLayerOutput?: (name: string, y: tf.Tensor) => tf.Tensor;
  /** Called with every ReLU output, once per ReLU module (a node read by two conv ops: twice), in forward order. */
  onRelu?: (name: string, activation: tf.Tensor4D) => void;
  /** Called with every BN input (pre-normalisation) and the BN's name prefix, also under bn 'identity'. */
  onBnInput?: (prefix: string, y: tf.Tensor4D) => void;
  /** Applied to the output of the stem, of every cell and of every reduction block; the pass continues with what it returns. */
  onBackbone?: (y: tf.Tensor4D) => tf.Tensor4D;
  /**
   * Recompute each cell in the backward pass instead of keeping its activations (checkpoint.ts).
   * Default: on in train mode when the estimated peak memory (trainingBytes) exceeds 2.8 GB on wasm
   * (4 GB heap: on for the supernet at batch ≥ 32, off for single architectures at batch 64) or
   * 16 GB elsewhere. First-order gradients only when on. Always off with `param` or a hook (the
   * backward's recomputation would call the hooks again and would not differentiate the override
   * tensors, which are not the cell's variables); asking for it then throws.
   */
  checkpoint?: boolean;
}

// A type alias (not an interface) so that it is a tf.TensorContainer and can be returned from tf.tidy.
export type ForwardResult = {
  /** [B, classes] */
  logits: tf.Tensor2D;
  /** [B, 4C] pooled features (the reference forward also returns these). */
  features: tf.Tensor2D;
  /** [B, h, w, 4C] output of the last BN+ReLU, before global pooling (zen reads it). */
  preGap: tf.Tensor4D;
};

interface Block {
  readonly a: ConvBN;
  readonly b: ConvBN;
  readonly shortcut: tf.Variable;
  readonly name: string;
}

type Stage = { cells: CellParams[]; block?: Block };

/**
 * An NB201 network (docs/reference.md §1.3) restricted to a mask: the masked supernet ("joint" mode)
 * for a sub-supernet mask, a single-architecture network for a one-hot mask. Only the allowed
 * ops hold parameters and are computed. Images are NHWC float32 [B,H,W,3].
 */
/** Activation buffers each op adds to a cell's training footprint (see trainingBytes). */
const ACTIVATION_BUFFERS: Record<OpKind, number> = { none: 0, skip: 0, conv: 2, pool: 1 };

export class NB201Network {
  readonly config: NetConfig;
  readonly mask: Mask;
  readonly params = new ParamStore();
  private readonly stem: ConvBN;
  private readonly stages: Stage[] = [];
  private readonly lastBN: BatchNormParams;
  private readonly classifierW: tf.Variable;
  private readonly classifierB: tf.Variable;
  private cellIndex = 0;

  constructor(maskLike: MaskLike, options: BuildOptions = {}) {
    this.config = resolveNetConfig(options);
    this.mask = toMask(maskLike);
    const rng = new Rng(options.seed ?? 0);
    const init = options.init ?? 'kaiming_normal_fanin';
    const { C, N, classes, affine } = this.config;
    // Creation order = PyTorch module order: stem, cells (reduction blocks are cells too), lastact, classifier.
    this.stem = this.convBN('stem', 3, 3, C, 1, true, init, rng);
    for (let s = 0; s < 3; s++) {
      const c = C << s;
      const stage: Stage = { cells: [] };
      if (s > 0) {
        const name = `cells.${this.cellIndex++}`;
        stage.block = {
          name,
          a: this.convBN(`${name}.conv_a`, 3, c / 2, c, 2, true, init, rng),
          b: this.convBN(`${name}.conv_b`, 3, c, c, 1, true, init, rng),
          shortcut: this.params.addParam(`${name}.downsample.conv`, 'conv', weightTensor([1, 1, c / 2, c], init, rng)),
        };
      }
      for (let n = 0; n < N; n++) stage.cells.push(this.cell(`cells.${this.cellIndex++}`, c, affine, init, rng));
      this.stages.push(stage);
    }
    this.lastBN = this.bnParams('lastact.bn', 4 * C, true);
    this.classifierW = this.params.addParam('classifier.weight', 'linear', weightTensor([4 * C, classes], init, rng));
    this.classifierB = this.params.addParam('classifier.bias', 'bias', tf.zeros([classes]));
  }

  private cell(name: string, c: number, affine: boolean, init: InitScheme, rng: Rng): CellParams {
    const convs: (ConvBN | undefined)[][] = [];
    for (let e = 0; e < NUM_EDGES; e++) {
      const row: (ConvBN | undefined)[] = new Array<ConvBN | undefined>(NUM_OPS).fill(undefined);
      for (const op of this.mask.allowedOps(e)) {
        const spec = opSpec(op);
        if (spec.kind === 'conv') row[op] = this.convBN(`${name}.edge${e}.${spec.name}`, spec.kernel, c, c, 1, affine, init, rng);
      }
      convs.push(row);
    }
    return { name, convs };
  }

  private convBN(name: string, k: number, cin: number, cout: number, stride: number, affine: boolean, init: InitScheme, rng: Rng): ConvBN {
    const weight = this.params.addParam(`${name}.conv`, 'conv', weightTensor([k, k, cin, cout], init, rng));
    return { name, weight, stride, bn: this.bnParams(`${name}.bn`, cout, affine) };
  }

  private bnParams(name: string, c: number, affine: boolean): BatchNormParams {
    const gamma = affine ? this.params.addParam(`${name}.weight`, 'bn-gamma', tf.ones([c])) : undefined;
    const beta = affine ? this.params.addParam(`${name}.bias`, 'bn-beta', tf.zeros([c])) : undefined;
    const runningMean = this.params.addBuffer(`${name}.running_mean`, 'bn-mean', tf.zeros([c]));
    const runningVar = this.params.addBuffer(`${name}.running_var`, 'bn-var', tf.ones([c]));
    return gamma && beta ? { gamma, beta, runningMean, runningVar } : { runningMean, runningVar };
  }

  /** Logits and pooled features. Call inside tf.tidy / tf.variableGrads; returns new tensors. */
  forward(x: tf.Tensor4D, options: ForwardOptions): ForwardResult {
    if (x.rank !== 4 || x.shape[3] !== 3) throw new InvalidInputError(`network input must be NHWC [B,H,W,3], got [${x.shape.join(',')}]`);
    const mask = options.mask ?? this.mask;
    if (options.mask) this.checkSubMask(options.mask);
    const { param, onLayerOutput, onRelu, onBnInput, onBackbone } = options;
    const hooked = param !== undefined || onLayerOutput !== undefined || onRelu !== undefined || onBnInput !== undefined || onBackbone !== undefined;
    if (hooked && options.checkpoint) throw new InvalidInputError('forward: checkpoint cannot be combined with param or hooks (the recomputation would rerun the hooks and miss the overrides)');
    const ctx: LayerContext = {
      bn: options.bn ?? (options.training ? 'batch' : 'running'),
      updateStats: options.updateStats ?? param === undefined,
      perModule: hooked,
      ...(param ? { param } : {}),
      ...(onLayerOutput ? { onLayerOutput } : {}),
      ...(onRelu ? { onRelu } : {}),
      ...(onBnInput ? { onBnInput } : {}),
    };
    let edgeScalars: EdgeScalars;
    if (options.edgeWeights) {
      const w = options.edgeWeights;
      if (w.rank !== 2 || w.shape[0] !== NUM_EDGES || w.shape[1] !== NUM_OPS) throw new InvalidInputError(`edgeWeights must be [6,5], got [${w.shape.join(',')}]`);
      // One Unpack for the whole forward; every cell reuses the 30 scalars.
      edgeScalars = tf.unstack(tf.reshape(w, [NUM_EDGES * NUM_OPS])) as tf.Scalar[];
    }
    // Each cell/block runs in its own tidy: under tf.grad the engine keeps (refcounted) exactly the
    // tensors the backward pass needs, so this frees the rest (BN outputs summed into nodes, ...)
    // as the forward goes. It roughly halves peak memory, which decides whether a batch-64
    // supernet step fits in the wasm heap at all.
    const checkpoint = !hooked && (options.checkpoint ?? (options.training && this.trainingBytes(x, mask) > checkpointThresholdBytes()));
    // The recomputation in the backward pass must not move BN statistics (a checkpointed pass has no hooks).
    const quiet: LayerContext = { ...ctx, updateStats: false };
    const backbone = (y: tf.Tensor4D): tf.Tensor4D => (onBackbone ? onBackbone(y) : y);
    let h = backbone(tf.tidy(() => convBN(x, this.stem, ctx)));
    for (const stage of this.stages) {
      const block = stage.block;
      if (block) {
        const input = h;
        h = backbone(tf.tidy(() => this.block(input, block, ctx)));
      }
      for (const cell of stage.cells) {
        const input = h;
        if (checkpoint) {
          const run = (xi: tf.Tensor4D, recompute: boolean, extra: readonly tf.Tensor[]): tf.Tensor4D =>
            tf.tidy(() => cellForward(xi, cell, mask, edgeScalars ? (extra as tf.Scalar[]) : undefined, recompute ? quiet : ctx));
          h = backbone(checkpointed(run, input, this.cellVariables(cell), edgeScalars ?? []));
        } else {
          h = backbone(tf.tidy(() => cellForward(input, cell, mask, edgeScalars, ctx)));
        }
      }
    }
    const preGap = relu(batchNormLayer(h, 'lastact.bn', this.lastBN, ctx), 'lastact.relu', ctx);
    const features = tf.mean(preGap, [1, 2]) as tf.Tensor2D;
    const classifier = tf.add(tf.matMul(features, paramOf('classifier.weight', this.classifierW, ctx) as tf.Tensor2D), paramOf('classifier.bias', this.classifierB, ctx));
    const logits = layerOutput(classifier, 'classifier.weight', ctx) as tf.Tensor2D;
    return { logits, features, preGap };
  }

  /** Only the ops of the network's mask have parameters, so a forward's mask must stay within it. */
  private checkSubMask(mask: Mask): void {
    for (let e = 0; e < NUM_EDGES; e++) {
      const outside = mask.rowBits(e) & ~this.mask.rowBits(e);
      if (outside !== 0) throw new InvalidInputError(`forward mask ${mask.toString()} is not a subset of the network's mask ${this.mask.toString()} (edge ${e})`);
    }
  }

  /** ResNet basic block C→2C, stride 2: shortcut AvgPool(2,2)→Conv1x1 (no BN) + b(a(x)). */
  private block(x: tf.Tensor4D, block: Block, ctx: LayerContext): tf.Tensor4D {
    const a = convBN(relu(x, `${block.name}.conv_a.relu`, ctx), block.a, ctx);
    const b = convBN(relu(a, `${block.name}.conv_b.relu`, ctx), block.b, ctx);
    const pooled = tf.avgPool(x, 2, 2, 'valid');
    const name = `${block.name}.downsample.conv`;
    const shortcut = layerOutput(tf.conv2d(pooled, paramOf(name, block.shortcut, ctx) as tf.Tensor4D, 1, 'valid'), name, ctx);
    return tf.add(shortcut, b);
  }

  /**
   * Rough peak bytes of a train-mode fwd+bwd without checkpointing: per cell, 6 node/ReLU tensors,
   * two per conv op and one per pool; stage s has 2^s·C channels on 4^-s of the pixels. The factor
   * 4.5 is calibrated on measured wasm heap peaks (supernet batch 32: 2.98 GB; best NB201 arch batch
   * 64: 2.59 GB): tfjs also holds every intermediate gradient until backprop ends. `mask`: the ops
   * the pass computes (default the network's).
   */
  trainingBytes(x: tf.Tensor4D, mask: Mask = this.mask): number {
    const [b, h, w] = x.shape;
    let perCell = 6;
    for (let e = 0; e < NUM_EDGES; e++) for (const op of mask.allowedOps(e)) perCell += ACTIVATION_BUFFERS[opSpec(op).kind];
    return 4.5 * perCell * b * h * w * this.config.C * 4 * this.config.N * (1 + 0.5 + 0.25);
  }

  private cellVariables(cell: CellParams): tf.Variable[] {
    const out: tf.Variable[] = [];
    for (const row of cell.convs) {
      for (const layer of row) {
        if (!layer) continue;
        out.push(layer.weight);
        if (layer.bn.gamma) out.push(layer.bn.gamma);
        if (layer.bn.beta) out.push(layer.bn.beta);
      }
    }
    return out;
  }

  /** Conv/Linear weight tensors in module order (188 for the C=16, N=5 supernet). */
  weights(): tf.Variable[] {
    return this.params.weightEntries().map((p) => p.variable);
  }

  /** Copy all shared parameters and BN statistics from another network (same names and shapes). */
  copyFrom(other: NB201Network): void {
    this.params.copyFrom(other.params);
  }

  numParams(): number {
    return this.params.count();
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * Above this estimate, train-mode passes checkpoint their cells by default: 2.8 GB on wasm (32-bit
 * heap, 4 GB at most; the batch-64 supernet would need ~6 GB), 16 GB on native backends.
 */
function checkpointThresholdBytes(): number {
  return backendTuning().checkpointBytes;
}

function weightTensor(shape: [number, number, number, number] | [number, number], init: InitScheme, rng: Rng): tf.Tensor {
  return tf.tensor(sampleWeights(shape, init, rng), shape, 'float32');
}

/** Build the network of a mask or arch (convenience for `new NB201Network`). */
export function buildNetwork(maskLike: MaskLike, options: BuildOptions = {}): NB201Network {
  return new NB201Network(maskLike, options);
}
