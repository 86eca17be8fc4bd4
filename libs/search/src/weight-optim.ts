import { tf } from '@fsnas/nn';

/**
 * SGD with (Nesterov) momentum and L2 weight decay, torch.optim.SGD semantics, for the supernet
 * weights. It mirrors `Sgd` of @fsnas/nn but keeps its momentum buffers addressable by parameter name,
 * which checkpoints (resume) and the reference "DARTS 2nd order" (it reads the raw buffer, docs/reference.md §9.12) need;
 * @fsnas/nn's Sgd keeps them private.
 */
export interface WeightSgdOptions {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
}

export class WeightSgd {
  /** Momentum buffer per parameter name; absent until the parameter's first gradient (PyTorch). */
  readonly buffers = new Map<string, tf.Variable>();
  constructor(public options: WeightSgdOptions) {}

  /** `grads` maps tf variable name → gradient; parameters without a gradient are left alone. */
  step(params: readonly NamedVariable[], grads: tf.NamedTensorMap): void {
    const { lr, momentum, nesterov, weightDecay } = this.options;
    tf.tidy(() => {
      for (const { name, variable } of params) {
        const g0 = grads[variable.name];
        if (!g0) continue;
        let g: tf.Tensor = weightDecay !== 0 ? tf.add(g0, tf.mul(variable, weightDecay)) : g0;
        if (momentum !== 0) {
          const buf = this.buffers.get(name);
          if (!buf) this.buffers.set(name, tf.variable(g, false));
          else buf.assign(tf.add(tf.mul(buf, momentum), g));
          const b = this.buffers.get(name) as tf.Variable;
          g = nesterov ? tf.add(g, tf.mul(b, momentum)) : b;
        }
        variable.assign(tf.sub(variable, tf.mul(g, lr)));
      }
    });
  }

  /** Buffers as plain arrays (checkpoint). */
  exportState(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [name, v] of this.buffers) out[name] = v.dataSync() as Float32Array;
    return out;
  }

  importState(state: Record<string, Float32Array>, shapes: ReadonlyMap<string, readonly number[]>): void {
    this.dispose();
    for (const [name, values] of Object.entries(state)) {
      const shape = shapes.get(name);
      if (!shape) continue;
      const init = tf.tensor(values, [...shape], 'float32');
      this.buffers.set(name, tf.variable(init, false));
      init.dispose();
    }
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

/** Cosine annealing from lr to lrMin over `epochs` (torch CosineAnnealingLR, stepped per epoch). */
export function cosineLr(epoch: number, epochs: number, lr: number, lrMin: number): number {
  return lrMin + ((lr - lrMin) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}
