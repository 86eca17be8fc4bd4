import { InvalidInputError } from '@fsnas/core';
import { EDGES, NUM_EDGES, OPS, opSpec } from '@fsnas/nb201';
import { batchNorm, evalAffine, fastRelu, tf, type BatchNormParams, type NB201Network } from '@fsnas/nn';

/**
 * A second forward pass over an NB201Network's own parameters, for the metrics that need hooks the
 * network's forward does not offer (adapter; libs/nn is not edited from here):
 * - fisher needs the gradient with respect to every Conv/Linear *output* (a multiplicative probe
 *   inserted after each layer);
 * - synflow runs with BN removed, on |θ|, and must rescale between cells so that the product of
 *   ~50 layer gains (~1e50 at init) does not overflow float32 (tfjs on wasm has no float64).
 *
 * It follows the same semantics as `NB201Network.forward` (docs/reference.md §1.2–1.3, joint mode: an
 * edge is the mean of its allowed ops, `none` counting in the denominator); a unit test checks that
 * both give the same logits.
 */
export type BnMode = 'batch' | 'running' | 'identity';

export interface AdapterOptions {
  bn: BnMode;
  /** Parameter value by name; default the network's variable. Lets synflow run on |θ| tensors it differentiates. */
  param?: (name: string) => tf.Tensor;
  /** Applied to every Conv/Linear output (pre-BN), in module order; returns the tensor to continue with. */
  onLayerOutput?: (name: string, y: tf.Tensor) => tf.Tensor;
  /** Called with every ReLU output, once per ReLU module (a node read by two conv ops has two ReLUs). */
  onRelu?: (y: tf.Tensor4D) => void;
  /** Called with every BN input (pre-normalisation) and the BN's name prefix. */
  onBnInput?: (prefix: string, y: tf.Tensor4D) => void;
  /** Applied to the output of the stem, every cell and every reduction block. */
  onBackbone?: (y: tf.Tensor4D) => tf.Tensor4D;
}

export interface AdapterResult {
  logits: tf.Tensor2D;
  /** Output of the last BN+ReLU, before global pooling: [B,h,w,4C]. */
  preGap: tf.Tensor4D;
}

/** Names of the parameters a network holds, to resolve BN params that may be absent (non-affine). */
function nameSet(net: NB201Network): Set<string> {
  return new Set([...net.params.entries().map((e) => e.name), ...net.params.bufferEntries().map((e) => e.name)]);
}

export function adapterForward(net: NB201Network, x: tf.Tensor4D, options: AdapterOptions): AdapterResult {
  const names = nameSet(net);
  const get = options.param ?? ((name: string): tf.Tensor => net.params.get(name));
  const layerOut = (name: string, y: tf.Tensor): tf.Tensor => (options.onLayerOutput ? options.onLayerOutput(name, y) : y);
  const backbone = (y: tf.Tensor4D): tf.Tensor4D => (options.onBackbone ? options.onBackbone(y) : y);

  // ReLU and BN as libs/nn runs them on this backend (backendTuning: native ReluGrad, fused train-mode
  // BN whose backward falls back to the differentiable closed form under an outer tape, e.g. grasp).
  const relu = (y: tf.Tensor4D): tf.Tensor4D => {
    const r = fastRelu(y);
    options.onRelu?.(r);
    return r;
  };
  const bnParams = (prefix: string): BatchNormParams => {
    // Values only: batch mode never updates the running statistics (updateStats false), so plain tensors suffice.
    const value = (name: string): tf.Variable | undefined => (names.has(`${prefix}.${name}`) ? (get(`${prefix}.${name}`) as tf.Variable) : undefined);
    const gamma = value('weight');
    const beta = value('bias');
    return { ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}), runningMean: value('running_mean') as tf.Variable, runningVar: value('running_var') as tf.Variable };
  };
  const bn = (y: tf.Tensor4D, prefix: string): tf.Tensor4D => {
    options.onBnInput?.(prefix, y);
    if (options.bn === 'identity') return y;
    if (options.bn === 'batch') return batchNorm(y, bnParams(prefix), true, false);
    const { scale, shift } = evalAffine(bnParams(prefix));
    return tf.add(tf.mul(y, scale), shift);
  };
  const conv = (h: tf.Tensor4D, prefix: string, stride: number): tf.Tensor4D => {
    const w = get(`${prefix}.conv`) as tf.Tensor4D;
    const k = w.shape[0];
    const p = (k - 1) / 2;
    // PyTorch pads k−1/2 on every side. Stride 1 with odd k: that is TF's 'same'. Stride 2: pad first,
    // then 'valid' ('same' would pad bottom/right only, and tfjs-node rejects explicit conv padding in gradients).
    const y =
      p === 0
        ? tf.conv2d(h, w, stride, 'valid')
        : stride === 1
          ? tf.conv2d(h, w, 1, 'same')
          : tf.conv2d(tf.pad(h, [[0, 0], [p, p], [p, p], [0, 0]]), w, stride, 'valid');
    return layerOut(`${prefix}.conv`, y) as tf.Tensor4D;
  };
  const reluConvBn = (h: tf.Tensor4D, prefix: string, stride: number): tf.Tensor4D => bn(conv(relu(h), prefix, stride), `${prefix}.bn`);

  const { C, N } = net.config;
  let h = backbone(bn(conv(x, 'stem', 1), 'stem.bn'));
  let cell = 0;
  for (let stage = 0; stage < 3; stage++) {
    if (stage > 0) {
      const name = `cells.${cell++}`;
      const a = reluConvBn(h, `${name}.conv_a`, 2);
      const b = reluConvBn(a, `${name}.conv_b`, 1);
      const shortcut = conv(tf.avgPool(h, 2, 2, 'valid'), `${name}.downsample`, 1);
      h = backbone(tf.add(shortcut, b));
    }
    for (let n = 0; n < N; n++) h = backbone(cellForward(h, `cells.${cell++}`));
  }
  const preGap = relu(bn(h, 'lastact.bn'));
  const features = tf.mean(preGap, [1, 2]) as tf.Tensor2D;
  // The probe sits after the bias, as NASLib's fisher hooks F.linear's output (bias included).
  const logits = layerOut('classifier.weight', tf.add(tf.matMul(features, get('classifier.weight') as tf.Tensor2D), get('classifier.bias'))) as tf.Tensor2D;
  if (logits.shape[1] !== net.config.classes || h.shape[3] !== 4 * C) throw new InvalidInputError('adapterForward: network layout not understood');
  return { logits, preGap };

  function cellForward(input: tf.Tensor4D, name: string): tf.Tensor4D {
    const nodes: tf.Tensor4D[] = [input];
    for (let i = 1; i <= 3; i++) {
      const terms: tf.Tensor4D[] = [];
      for (let e = 0; e < NUM_EDGES; e++) {
        const edge = EDGES[e];
        if (!edge || edge.to !== i) continue;
        const ops = net.mask.allowedOps(e);
        const src = nodes[edge.from] as tf.Tensor4D;
        const parts: tf.Tensor4D[] = [];
        for (const op of ops) {
          const { kind } = opSpec(op);
          if (kind === 'skip') parts.push(src);
          else if (kind === 'conv') parts.push(reluConvBn(src, `${name}.edge${e}.${OPS[op]}`, 1));
          else if (kind === 'pool') parts.push(tf.avgPool(src, 3, 1, 'same'));
        }
        if (parts.length === 0) continue;
        const sum = parts.length === 1 ? (parts[0] as tf.Tensor4D) : tf.addN(parts);
        terms.push(ops.length === 1 ? sum : tf.mul(sum, 1 / ops.length));
      }
      nodes[i] = terms.length === 0 ? tf.zerosLike(input) : terms.length === 1 ? (terms[0] as tf.Tensor4D) : tf.addN(terms);
    }
    return nodes[3] as tf.Tensor4D;
  }
}
