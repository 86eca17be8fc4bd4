import * as tf from '@tensorflow/tfjs-core';

export interface SgdOptions {
  lr: number;
  /** Heavy-ball momentum (PyTorch convention: v ← μv + g; p ← p − lr·v). Default 0. */
  momentum?: number;
  /** Nesterov: p ← p − lr·(g + μv). Default false. */
  nesterov?: boolean;
  /** L2 weight decay added to the gradient (g ← g + wd·p), as torch.optim.SGD does. Default 0. */
  weightDecay?: number;
}

/**
 * torch.optim.SGD semantics on named variables. Momentum buffers are tf.Variables keyed by the
 * parameter, created on the first step (PyTorch starts the buffer at the first gradient).
 */
export class Sgd {
  private readonly buffers = new Map<tf.Variable, tf.Variable>();
  constructor(public options: SgdOptions) {}

  /** Apply one update. `grads` maps variable name → gradient (as tf.variableGrads returns). */
  step(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): void {
    const { lr, momentum = 0, nesterov = false, weightDecay = 0 } = this.options;
    tf.tidy(() => {
      for (const v of variables) {
        const g0 = grads[v.name];
        if (!g0) continue;
        let g: tf.Tensor = weightDecay !== 0 ? tf.add(g0, tf.mul(v, weightDecay)) : g0;
        if (momentum !== 0) {
          let buf = this.buffers.get(v);
          if (!buf) {
            buf = tf.variable(tf.clone(g), false);
            this.buffers.set(v, buf);
          } else {
            buf.assign(tf.add(tf.mul(buf, momentum), g));
          }
          g = nesterov ? tf.add(g, tf.mul(buf, momentum)) : buf;
        }
        v.assign(tf.sub(v, tf.mul(g, lr)));
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

/** Global L2 norm of a set of gradients. */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  return tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number));
}

/**
 * torch.nn.utils.clip_grad_norm_: scale every gradient by min(1, maxNorm/(‖g‖+1e-6)). Returns the
 * clipped map (new tensors; the caller disposes the old ones) and the norm before clipping.
 */
export function clipGradNorm(grads: tf.NamedTensorMap, maxNorm: number): { grads: tf.NamedTensorMap; norm: number } {
  const names = Object.keys(grads);
  const norm = globalNorm(names.map((n) => grads[n] as tf.Tensor));
  const coef = maxNorm / (norm + 1e-6);
  if (coef >= 1) return { grads: Object.fromEntries(names.map((n) => [n, tf.clone(grads[n] as tf.Tensor)])), norm };
  return { grads: tf.tidy(() => Object.fromEntries(names.map((n) => [n, tf.mul(grads[n] as tf.Tensor, coef)]))), norm };
}

export interface TrainStepOptions {
  /** Clip the global gradient norm to this value (PyTorch clip_grad_norm_), if set. */
  gradClip?: number;
  edgeWeights?: tf.Tensor2D;
}

/**
 * Softmax cross-entropy averaged over the batch (PyTorch CrossEntropyLoss with integer labels).
 * Its gradient (softmax − onehot)/B is recomputed from the saved logits, so that it can be
 * differentiated again (grasp's Hessian-vector product). tfjs's own logSoftmax/exp gradients read
 * their saved *outputs*, and the engine records the copy of an output before the op that made it,
 * so a second differentiation cannot reach through them and silently drops the softmax curvature
 * diag(p) − ppᵀ.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1] as number) as tf.Tensor2D;
    return softmaxCrossEntropy(logits, onehot);
  });
}

const softmaxCrossEntropy = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, onehot] = args as [tf.Tensor2D, tf.Tensor2D];
  (args[2] as tf.GradSaveFunc)([logits, onehot]);
  const batch = logits.shape[0];
  return {
    value: tf.neg(tf.div(tf.sum(tf.mul(tf.logSoftmax(logits), onehot)), batch)) as tf.Scalar,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [z, y] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.mul(dy as tf.Tensor, tf.div(tf.sub(tf.softmax(z), y), batch)), tf.zerosLike(y)];
    },
  };
}) as (logits: tf.Tensor2D, onehot: tf.Tensor2D) => tf.Scalar;
