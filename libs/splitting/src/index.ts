export * from './errors';
export * from './python-random';
export * from './branching';
export * from './partition';
