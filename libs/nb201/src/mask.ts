import { InvalidInputError, jsonDepth, jsonPreview } from '@fsnas/core';
import { checkArch, type Arch } from './arch';
import { NUM_EDGES, NUM_OPS, OPS, edgeLabel, isOpId, type OpId } from './space';

export class MaskError extends InvalidInputError {}

/** Entry the reference code uses for a removed op in its 0/-1000 "arch-parameter" matrices (docs/reference.md §1.5). */
export const REFERENCE_REMOVED = -1000;

/** Mask JSON nested deeper than this is refused before it is parsed. */
const MAX_MASK_JSON_DEPTH = 32;

const FULL_ROW = (1 << NUM_OPS) - 1;

/**
 * A sub-supernet: which ops are allowed on each edge (a 6×5 table, stored as one 5-bit set per edge).
 * Immutable. The architectures it holds are the Cartesian product of the allowed ops, so an empty
 * row would make an empty sub-supernet and is rejected.
 */
export class Mask {
  private constructor(private readonly bits: readonly number[]) {}

  static full(): Mask {
    return new Mask(new Array<number>(NUM_EDGES).fill(FULL_ROW));
  }

  /** The mask that holds exactly one architecture. */
  static single(arch: Arch): Mask {
    checkArch(arch);
    return new Mask(arch.map((op) => 1 << op));
  }

  /**
   * From a 6×5 table of the numbers 0/1, rows = edges, columns = ops. The table is checked as
   * untrusted JSON would be: booleans, strings, nulls and deeper arrays are refused, naming the row
   * and column.
   */
  static fromRows(rows: readonly (readonly number[])[]): Mask {
    checkShape(rows, '0/1');
    return Mask.fromBits(
      rows.map((row, e) =>
        row.reduce<number>((bits, v, op) => {
          if (v !== 0 && v !== 1) throw new MaskError(`mask entry [${e}][${op}] (row ${e}, column ${op}) must be the number 0 or 1, got ${jsonPreview(v)}`);
          return v === 1 ? bits | (1 << op) : bits;
        }, 0),
      ),
    );
  }

  /** From the reference's split format: 0 = allowed, -1000 = removed; like its exporter, ≤ -500 counts as removed. */
  static fromReference(matrix: readonly (readonly number[])[]): Mask {
    checkShape(matrix, '0/-1000');
    return Mask.fromBits(
      matrix.map((row, e) =>
        row.reduce<number>((bits, v, op) => {
          if (typeof v !== 'number' || Number.isNaN(v)) throw new MaskError(`reference entry [${e}][${op}] (row ${e}, column ${op}) must be a number, got ${jsonPreview(v)}`);
          return v > REFERENCE_REMOVED / 2 ? bits | (1 << op) : bits;
        }, 0),
      ),
    );
  }

  /** From one 5-bit allowed-op set per edge (bit k = op k). */
  static fromBits(bits: readonly number[]): Mask {
    if (bits.length !== NUM_EDGES) throw new MaskError(`a mask needs ${NUM_EDGES} edge rows, got ${bits.length}`);
    bits.forEach((b, e) => {
      if (!Number.isInteger(b) || b < 0 || b > FULL_ROW) throw new MaskError(`edge ${e} row bits must be in 0..${FULL_ROW}, got ${b}`);
      if (b === 0) throw new MaskError(`edge ${e} (${edgeLabel(e)}) allows no operation: an empty row makes an empty sub-supernet`);
    });
    return new Mask([...bits]);
  }

  /** Parse a JSON 6×5 0/1 matrix, as given on the command line. */
  static parse(json: string): Mask {
    // Shallower mistakes (an entry that is an array) are reported below with their row and column.
    const depth = jsonDepth(json);
    if (depth > MAX_MASK_JSON_DEPTH) throw new MaskError(`mask JSON nested too deep: a mask is a 6x5 matrix of 0/1 (arrays 2 deep), this one nests ${depth} deep`);
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      throw new MaskError(`mask must be a JSON 6x5 matrix of 0/1, got ${JSON.stringify(json.slice(0, 80))}`);
    }
    return Mask.fromRows(value as number[][]);
  }

  rowBits(edge: number): number {
    const b = this.bits[edge];
    if (b === undefined) throw new RangeError(`edge must be 0..5, got ${edge}`);
    return b;
  }

  allows(edge: number, op: number): boolean {
    return ((this.rowBits(edge) >> op) & 1) === 1;
  }

  allowedOps(edge: number): OpId[] {
    const bits = this.rowBits(edge);
    const ops: OpId[] = [];
    for (let op = 0; op < NUM_OPS; op++) if ((bits >> op) & 1) ops.push(op as OpId);
    return ops;
  }

  allowedCount(edge: number): number {
    return this.allowedOps(edge).length;
  }

  /** Number of architectures: the product of the allowed counts per edge. */
  get size(): number {
    let n = 1;
    for (let e = 0; e < NUM_EDGES; e++) n *= this.allowedCount(e);
    return n;
  }

  /** Keep only `ops` on `edge`; they must all be currently allowed (a child never grows its parent). */
  restrict(edge: number, ops: readonly number[]): Mask {
    if (ops.length === 0) throw new MaskError(`cannot restrict edge ${edge} to an empty op group`);
    let bits = 0;
    for (const op of ops) {
      if (!isOpId(op)) throw new MaskError(`op id must be 0..4, got ${op}`);
      if (!this.allows(edge, op)) throw new MaskError(`op ${OPS[op]} is not allowed on edge ${edge} of the parent mask`);
      bits |= 1 << op;
    }
    const next = [...this.bits];
    next[edge] = bits;
    return new Mask(next);
  }

  contains(arch: Arch): boolean {
    checkArch(arch);
    return arch.every((op, e) => this.allows(e, op));
  }

  /** Every architecture of the mask, in lexicographic op-tuple order. */
  *archs(): Generator<Arch> {
    const choices = Array.from({ length: NUM_EDGES }, (_, e) => this.allowedOps(e));
    const idx = new Array<number>(NUM_EDGES).fill(0);
    for (;;) {
      yield idx.map((i, e) => (choices[e] as OpId[])[i] as OpId);
      let e = NUM_EDGES - 1;
      while (e >= 0 && ++idx[e]! === (choices[e] as OpId[]).length) idx[e--] = 0;
      if (e < 0) return;
    }
  }

  /** Dense arch keys (see archKey) of every architecture, ascending. */
  keys(): Int32Array {
    // Built edge by edge (key = key·5 + op) instead of per architecture: statistics over many masks
    // call this in their inner loop.
    let keys = Int32Array.of(0);
    for (let e = 0; e < NUM_EDGES; e++) {
      const ops = this.allowedOps(e);
      const next = new Int32Array(keys.length * ops.length);
      let i = 0;
      for (const key of keys) for (const op of ops) next[i++] = key * NUM_OPS + op;
      keys = next;
    }
    return keys;
  }

  /** 6×5 table of 0/1. */
  toRows(): number[][] {
    return this.bits.map((b) => Array.from({ length: NUM_OPS }, (_, op) => (b >> op) & 1));
  }

  /** The reference's split format: 0 allowed, -1000 removed. */
  toReference(): number[][] {
    return this.toRows().map((row) => row.map((v) => (v ? 0 : REFERENCE_REMOVED)));
  }

  equals(other: Mask): boolean {
    return this.bits.every((b, e) => b === other.bits[e]);
  }

  /** Compact text form, e.g. `{3}{0,1}{0,1,2,3,4}...` per edge. */
  toString(): string {
    return this.bits.map((_, e) => `{${this.allowedOps(e).join(',')}}`).join('');
  }

  toJSON(): number[][] {
    return this.toRows();
  }
}

function checkShape(rows: unknown, form: string): asserts rows is unknown[][] {
  if (!Array.isArray(rows) || rows.length !== NUM_EDGES) {
    throw new MaskError(`a mask must be a 6x5 matrix (6 edges × 5 ops), got ${Array.isArray(rows) ? `${rows.length} rows: ` : ''}${jsonPreview(rows)}`);
  }
  rows.forEach((row: unknown, e) => {
    if (!Array.isArray(row)) throw new MaskError(`mask row ${e} must be an array of ${NUM_OPS} ${form} entries, got ${jsonPreview(row)}`);
    if (row.length !== NUM_OPS) throw new MaskError(`mask row ${e} must have ${NUM_OPS} entries (a 6x5 matrix), got ${row.length}: ${jsonPreview(row)}`);
  });
}
