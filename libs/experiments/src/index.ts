export * from './finding';
export * from './provenance';
export * from './runner';
export * from './results';
