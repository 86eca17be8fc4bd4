import { tf } from '@fsnas/nn';

/**
 * Gradients of the two backward kernels tfjs-core leaves without one, so that a gradient can be
 * differentiated again (grasp's Hessian-vector product by double backprop, as NASLib does with
 * `create_graph=True`). Adapter living in libs/metrics; it only adds entries missing from tfjs's
 * global gradient registry and never replaces one.
 *
 * Both kernels are linear in each input, so their gradients are the adjoint operators:
 * - Conv2DBackpropFilter(x, dy) = dW. For an upstream ddW: ∂/∂dy = conv2d(x, ddW) and
 *   ∂/∂x = conv2DBackpropInput(x.shape, dy, ddW) (= conv2dTranspose), with the same strides and padding.
 * - AvgPoolGrad(dy, input) = the adjoint of average pooling applied to dy: ∂/∂dy = avgPool(ddx),
 *   and it does not depend on the input's values (∂/∂input = 0).
 * - Equal (the arg-max mask in Max's gradient, which the loss's logSumExp differentiates) is
 *   piecewise constant: zero gradient, as PyTorch gives comparisons.
 */
interface ConvFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}
interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
}

let registered = false;

export function ensureSecondOrderGradients(): void {
  if (registered) return;
  registered = true;
  if (!tf.getGradient('Conv2DBackpropFilter')) {
    tf.registerGradient({
      kernelName: 'Conv2DBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddw, saved, attrs) => {
        const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const { strides, pad, dimRoundingMode } = attrs as unknown as ConvFilterAttrs;
        const upstream = (Array.isArray(ddw) ? ddw[0] : ddw) as tf.Tensor4D;
        return {
          x: () => tf.conv2dTranspose(dy, upstream, x.shape, strides, pad, dimRoundingMode),
          dy: () => tf.conv2d(x, upstream, strides, pad, 'NHWC', 1, dimRoundingMode),
        };
      },
    });
  }
  if (!tf.getGradient('Equal')) {
    tf.registerGradient({
      kernelName: 'Equal',
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved as [tf.Tensor, tf.Tensor];
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
  }
  if (!tf.getGradient('AvgPoolGrad')) {
    tf.registerGradient({
      kernelName: 'AvgPoolGrad',
      inputsToSave: ['input'],
      gradFunc: (ddx, saved, attrs) => {
        const [input] = saved as [tf.Tensor4D];
        const { filterSize, strides, pad } = attrs as unknown as PoolAttrs;
        const upstream = (Array.isArray(ddx) ? ddx[0] : ddx) as tf.Tensor4D;
        return {
          dy: () => tf.avgPool(upstream, filterSize, strides, pad),
          input: () => tf.zerosLike(input),
        };
      },
    });
  }
}
