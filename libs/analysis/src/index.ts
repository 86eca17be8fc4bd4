export * from './leaf-stats';
export * from './selection';
export * from './zero-cost';
export * from './split-similarity';
export * from './splits';
export * from './figures';
export * from './render';
export * from './tables';
