export * from './finding';
export * from './provenance';
export * from './runner';
export * from './results';
export * from './workers';
export * from './worker-run';
export * from './run-snapshot';
