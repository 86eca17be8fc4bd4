import { InvalidInputError } from '@fsnas/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * What a parameter is, so metrics can pick "every Conv/Linear weight" (the reference iterates
 * `nn.Conv2d`/`nn.Linear` modules) and init schemes know what to draw.
 */
export type ParamKind = 'conv' | 'linear' | 'bias' | 'bn-gamma' | 'bn-beta';
/** Non-trainable state: BN running statistics. */
export type BufferKind = 'bn-mean' | 'bn-var';

export interface ParamEntry {
  readonly name: string;
  readonly kind: ParamKind;
  readonly variable: tf.Variable;
}

export interface BufferEntry {
  readonly name: string;
  readonly kind: BufferKind;
  readonly variable: tf.Variable;
}

/**
 * Named tf.Variables in a deterministic order: the order PyTorch's `named_parameters()` walks the
 * reference model (stem, cells by edge key and op column, reduction blocks, last BN, classifier).
 * Two networks built from the same config therefore list the same names in the same order, which is
 * what "copy network 0's parameters into all others" and per-tensor gradient metrics rely on.
 */
export class ParamStore {
  private readonly params: ParamEntry[] = [];
  private readonly buffers: BufferEntry[] = [];
  private readonly byName = new Map<string, ParamEntry | BufferEntry>();
  private disposed = false;

  addParam(name: string, kind: ParamKind, init: tf.Tensor, trainable = true): tf.Variable {
    const variable = this.make(name, init, trainable);
    const entry = { name, kind, variable };
    this.params.push(entry);
    this.byName.set(name, entry);
    return variable;
  }

  addBuffer(name: string, kind: BufferKind, init: tf.Tensor): tf.Variable {
    const variable = this.make(name, init, false);
    const entry = { name, kind, variable };
    this.buffers.push(entry);
    this.byName.set(name, entry);
    return variable;
  }

  private make(name: string, init: tf.Tensor, trainable: boolean): tf.Variable {
    if (this.byName.has(name)) throw new InvalidInputError(`duplicate parameter name '${name}'`);
    // Variable names are global in tfjs; a unique suffix lets many networks coexist.
    const variable = tf.variable(init, trainable, `${name}#${nextId++}`);
    init.dispose();
    return variable;
  }

  /** Trainable parameters in module order. */
  entries(): readonly ParamEntry[] {
    return this.params;
  }

  /** BN running statistics in module order. */
  bufferEntries(): readonly BufferEntry[] {
    return this.buffers;
  }

  /** Conv and Linear weight tensors (not biases, not BN), in module order: 188 for the C=16,N=5 supernet. */
  weightEntries(): ParamEntry[] {
    return this.params.filter((p) => p.kind === 'conv' || p.kind === 'linear');
  }

  variables(): tf.Variable[] {
    return this.params.map((p) => p.variable);
  }

  get(name: string): tf.Variable {
    const entry = this.byName.get(name);
    if (!entry) throw new InvalidInputError(`no parameter named '${name}'`);
    return entry.variable;
  }

  /** Number of trainable scalars (the reference's `sum(p.numel())` without the mask). */
  count(): number {
    return this.params.reduce((n, p) => n + p.variable.size, 0);
  }

  /**
   * Copy every parameter and buffer that `source` also has (same name and shape). Networks with
   * different masks share names, so a sub-supernet can take the full supernet's weights.
   */
  copyFrom(source: ParamStore): void {
    for (const entry of [...this.params, ...this.buffers]) {
      const other = source.byName.get(entry.name);
      if (!other) continue;
      if (!tf.util.arraysEqual(other.variable.shape, entry.variable.shape)) {
        throw new InvalidInputError(`cannot copy '${entry.name}': shape [${other.variable.shape.join(',')}] vs [${entry.variable.shape.join(',')}]`);
      }
      entry.variable.assign(other.variable);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    for (const e of [...this.params, ...this.buffers]) e.variable.dispose();
    this.disposed = true;
  }
}

let nextId = 0;
