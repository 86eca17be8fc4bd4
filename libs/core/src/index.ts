export * from './errors';
export * from './workspace';
export * from './data-paths';
export * from './rng';
export * from './progress';
export * from './atomic-write';
export * from './csv';
export * from './rank-correlation';
