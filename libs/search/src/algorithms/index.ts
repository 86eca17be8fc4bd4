export * from './types';
export * from './registry';
export { dartsArchGradient } from './darts';
export { unrolledArchGradient, type Darts2Options, type UnrolledOptions } from './darts2';
export { snasArchGradient, softGumbelWeights, type SnasOptions } from './snas';
export { gdasArchGradient, gdasPath, type GdasOptions } from './gdas';
export { dsnasArchGradient, reinforceLooGradient, pruneByGap, drawPaths, pathLoss, type DsnasOptions } from './dsnas';
export type { RspsOptions } from './rsps';
