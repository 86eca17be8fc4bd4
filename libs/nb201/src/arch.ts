import { InvalidInputError } from '@fsnas/core';
import { EDGES, NUM_ARCHS, NUM_EDGES, NUM_OPS, OPS, isOpId, opId, type OpId, type OpName } from './space';

/** One single-path architecture: the op id on each of the 6 edges, in arch-string order. */
export type Arch = readonly OpId[];

export class ArchStringError extends InvalidInputError {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid NB201 arch string ${JSON.stringify(input)}: ${reason}`);
  }
}

const EXPECTED = 'expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2|';

/**
 * Parse `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` strictly: exactly three nodes, the right `~k` input
 * index at each position, known op names, no whitespace. Lenient parsing would let a typo silently
 * select a different architecture.
 */
export function parseArch(input: string): Arch {
  if (typeof input !== 'string' || input.length === 0) throw new ArchStringError(String(input), `empty string; ${EXPECTED}`);
  if (/\s/.test(input)) throw new ArchStringError(input, 'contains whitespace');
  const nodes = input.split('+');
  if (nodes.length !== 3) throw new ArchStringError(input, `has ${nodes.length} node group(s), expected 3 separated by '+'`);
  const ops: OpId[] = [];
  nodes.forEach((node, i) => {
    if (!node.startsWith('|') || !node.endsWith('|') || node.length < 2) {
      throw new ArchStringError(input, `node ${i + 1} group '${node}' must start and end with '|'`);
    }
    const inputs = node.slice(1, -1).split('|');
    if (inputs.length !== i + 1) {
      throw new ArchStringError(input, `node ${i + 1} has ${inputs.length} input(s), expected ${i + 1}`);
    }
    inputs.forEach((token, k) => {
      const match = /^([a-z0-9_]+)~(\d+)$/.exec(token);
      if (!match) throw new ArchStringError(input, `token '${token}' is not of the form op~k`);
      const [, name, from] = match as unknown as [string, string, string];
      if (Number(from) !== k) throw new ArchStringError(input, `token '${token}' of node ${i + 1} must read input ~${k}`);
      const id = opId(name);
      if (id === undefined) throw new ArchStringError(input, `unknown op '${name}' (ops: ${OPS.join(', ')})`);
      ops.push(id);
    });
  });
  return ops;
}

export function formatArch(arch: Arch): string {
  checkArch(arch);
  const name = (e: number): OpName => OPS[arch[e] as OpId];
  const token = (e: number): string => `${name(e)}~${(EDGES[e] as { from: number }).from}`;
  return `|${token(0)}|+|${token(1)}|${token(2)}|+|${token(3)}|${token(4)}|${token(5)}|`;
}

export function archOpNames(arch: Arch): OpName[] {
  checkArch(arch);
  return arch.map((op) => OPS[op]);
}

/**
 * Dense integer key in [0, 15625): the op tuple read as a base-5 number, edge 0 most significant, so
 * key order is lexicographic tuple order. This is not the NATS-Bench index (that order comes from the
 * benchmark tables).
 */
export function archKey(arch: Arch): number {
  checkArch(arch);
  let key = 0;
  for (const op of arch) key = key * NUM_OPS + op;
  return key;
}

export function archFromKey(key: number): Arch {
  if (!Number.isInteger(key) || key < 0 || key >= NUM_ARCHS) throw new InvalidInputError(`arch key must be an integer in [0, ${NUM_ARCHS}), got ${key}`);
  const ops = new Array<OpId>(NUM_EDGES);
  for (let e = NUM_EDGES - 1; e >= 0; e--) {
    ops[e] = (key % NUM_OPS) as OpId;
    key = Math.floor(key / NUM_OPS);
  }
  return ops;
}

/** Parse a user-supplied op tuple such as `[3,3,1,0,2,4]`. */
export function checkArch(arch: readonly unknown[]): asserts arch is Arch {
  if (!Array.isArray(arch) || arch.length !== NUM_EDGES || !arch.every(isOpId)) {
    throw new InvalidInputError(`an op tuple must be 6 op ids in 0..4, got ${JSON.stringify(arch)}`);
  }
}
