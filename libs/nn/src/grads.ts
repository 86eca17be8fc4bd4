import * as tf from '@tensorflow/tfjs-core';
import type { NB201Network } from './network';
import type { ParamEntry } from './params';

export interface ParamGradients {
  /** The loss value. */
  value: number;
  /** One entry per selected parameter, in module order (names as in ParamStore). */
  entries: { entry: ParamEntry; grad: tf.Tensor }[];
}

/**
 * Gradients of a scalar `loss` w.r.t. a network's parameters, in module order. `weightsOnly`
 * selects the Conv/Linear weights (the 188 tensors gradient metrics use, docs/reference.md §1.3).
 * The caller owns (and disposes) the returned gradient tensors.
 */
export function parameterGradients(net: NB201Network, loss: () => tf.Scalar, options: { weightsOnly?: boolean } = {}): ParamGradients {
  const entries = options.weightsOnly ? net.params.weightEntries() : [...net.params.entries()];
  const { value, grads } = tf.variableGrads(loss, entries.map((e) => e.variable));
  const v = value.dataSync()[0] as number;
  value.dispose();
  return {
    value: v,
    entries: entries.map((entry) => {
      const grad = grads[entry.variable.name];
      // variableGrads omits parameters the loss does not reach; report an exact zero for them.
      return { entry, grad: grad ?? tf.zerosLike(entry.variable) };
    }),
  };
}
