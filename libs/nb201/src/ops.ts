import { OPS, type OpId, type OpName } from './space';

/** What an NB201 op computes; every consumer branches on this rather than on a raw op id. */
export type OpKind = 'none' | 'skip' | 'conv' | 'pool';

export interface OpSpec {
  readonly id: OpId;
  readonly name: OpName;
  readonly kind: OpKind;
  /** Spatial kernel side of the conv or pool; 0 for none and skip. */
  readonly kernel: number;
}

export const OP_NONE = 0 satisfies OpId;
export const OP_SKIP = 1 satisfies OpId;
export const OP_CONV_1X1 = 2 satisfies OpId;
export const OP_CONV_3X3 = 3 satisfies OpId;
export const OP_AVG_POOL = 4 satisfies OpId;

/** One row per op, indexed by OpId (the column order of OPS). */
export const OP_TABLE: readonly OpSpec[] = [
  { id: OP_NONE, name: OPS[OP_NONE], kind: 'none', kernel: 0 },
  { id: OP_SKIP, name: OPS[OP_SKIP], kind: 'skip', kernel: 0 },
  { id: OP_CONV_1X1, name: OPS[OP_CONV_1X1], kind: 'conv', kernel: 1 },
  { id: OP_CONV_3X3, name: OPS[OP_CONV_3X3], kind: 'conv', kernel: 3 },
  { id: OP_AVG_POOL, name: OPS[OP_AVG_POOL], kind: 'pool', kernel: 3 },
];

export function opSpec(op: number): OpSpec {
  const spec = OP_TABLE[op];
  if (!spec) throw new RangeError(`op must be 0..4, got ${op}`);
  return spec;
}

export function isConvOp(op: number): boolean {
  return opSpec(op).kind === 'conv';
}

/** Parameters of one op at C channels: a conv is ReLU-Conv(no bias)-BN(affine, 2C); the others have none. */
export function opParamCount(op: number, C: number): number {
  const { kind, kernel } = opSpec(op);
  return kind === 'conv' ? kernel * kernel * C * C + 2 * C : 0;
}

/** Multiply-accumulates of one op on one image at C channels over hw pixels (only convs count). */
export function opMacs(op: number, C: number, hw: number): number {
  const { kind, kernel } = opSpec(op);
  return kind === 'conv' ? hw * kernel * kernel * C * C : 0;
}
