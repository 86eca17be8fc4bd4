import { InvalidInputError } from '@fsnas/core';
import { darts } from './darts';
import { darts2 } from './darts2';
import { dsnas } from './dsnas';
import { gdas } from './gdas';
import { rsps } from './rsps';
import { snas } from './snas';
import { ALGORITHMS, type AlgoName, type Algorithm } from './types';

export * from './types';
export { dartsArchGradient } from './darts';
export { unrolledArchGradient, type UnrolledOptions } from './darts2';
export { snasArchGradient, softGumbelWeights } from './snas';
export { gdasArchGradient, gdasPath } from './gdas';
export { dsnasArchGradient, reinforceLooGradient, pruneByGap, drawPaths, pathLoss } from './dsnas';

const REGISTRY: Record<AlgoName, Algorithm> = { darts, darts2, snas, dsnas, gdas, rsps };

export function algorithm(name: string): Algorithm {
  if (!(ALGORITHMS as readonly string[]).includes(name)) throw new InvalidInputError(`--algo must be one of ${ALGORITHMS.join('|')}, got '${name}'`);
  return REGISTRY[name as AlgoName];
}

/** Which algorithms have a `compat: 'reference'` variant. */
export function hasReferenceVariant(name: AlgoName): boolean {
  return name === 'darts' || name === 'darts2' || name === 'snas' || name === 'dsnas';
}
