import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient checkpointing of one block of the network (a cell). tfjs keeps every saved activation
 * *and every intermediate gradient* of a tf.grad call alive until the whole backward pass ends,
 * so a batch-64 supernet step needs > 4 GB and cannot run in the 32-bit wasm heap. Wrapped here,
 * the block's forward runs without a tape (only its inputs are saved); its backward recomputes the
 * block under a nested tape (with BN statistics frozen) and returns the vector-Jacobian product
 * for the input, the block's `variables` and the `extra` tensors it reads (edge weights). Peak memory becomes one block's activations plus one tensor per
 * block; the price is one extra forward per block (~+25 % time).
 *
 * Gradients through the wrapped block are first order only; keep it off for double backward.
 */
export function checkpointed(
  run: (x: tf.Tensor4D, recompute: boolean, extra: readonly tf.Tensor[]) => tf.Tensor4D,
  x: tf.Tensor4D,
  variables: readonly tf.Variable[],
  extra: readonly tf.Tensor[],
): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor4D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    // The input and the non-variable inputs (edge weights) would be freed with the forward scope.
    save([input, ...extra]);
    return {
      value: run(input, false, extra),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [xIn, ...savedExtra] = saved as [tf.Tensor4D, ...tf.Tensor[]];
        const wrt = [xIn, ...variables, ...savedExtra];
        const { value, grads } = nestedGradients(() => run(xIn, true, savedExtra), wrt, dy as tf.Tensor4D);
        value.dispose();
        // Inputs the block does not reach (an edge weight of an op on a known-zero node) get zeros.
        return grads.map((g, i) => g ?? tf.zerosLike(wrt[i] as tf.Tensor));
      },
    };
  });
  return op(x, ...variables, ...extra) as tf.Tensor4D;
}

/**
 * engine.gradients() called while the engine is already back-propagating (gradient depth 0, tape
 * off) would start a fresh tape in place of the outer one and null it when done, which breaks the
 * outer pass's final cleanup. Park the outer tape and put it back afterwards; the inner call then
 * frees its own saved tensors as soon as it returns, which is the point of checkpointing.
 */
function nestedGradients(f: () => tf.Tensor4D, xs: tf.Tensor[], dy: tf.Tensor4D): { value: tf.Tensor; grads: (tf.Tensor | null)[] } {
  const engine = tf.engine();
  const outerTape = engine.state.activeTape;
  try {
    return engine.gradients(f, xs, dy, true) as { value: tf.Tensor; grads: (tf.Tensor | null)[] };
  } finally {
    engine.state.activeTape = outerTape;
  }
}
