import * as tf from '@tensorflow/tfjs-core';
import { avgPoolGradGradConfig } from './avg-pool-grad-grad';
import { conv2DBackpropFilterGradConfig } from './conv2d-backprop-filter-grad';
import { equalGradConfig } from './equal-grad';
import { reluGradGradConfig } from './relu-grad-grad';
import { registerTfjsCoreGradients } from './tfjs-core-bundle';

/**
 * The gradients tfjs-core leaves out, one per file, as tfjs-core's register_all_gradients lists its
 * own. All are of backward kernels (or of Equal, inside Max's gradient), so they are used only when a
 * gradient is differentiated again: grasp's Hessian-vector product by double backprop, as NASLib does
 * with `create_graph=True`. tfjs looks a kernel's gradient up when it records the op, so they are
 * registered before any pass runs, with tfjs-core's.
 */
const GRADIENTS: readonly tf.GradConfig[] = [conv2DBackpropFilterGradConfig, avgPoolGradGradConfig, equalGradConfig, reluGradGradConfig];

/**
 * Register tfjs-core's gradients and chained tensor ops (its bundle), then ours; idempotent. Ours are
 * added only where tfjs has none, never replacing one of its own.
 */
export async function registerGradients(): Promise<void> {
  await registerTfjsCoreGradients();
  for (const config of GRADIENTS) if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
}
