export * from './settings';
export * from './stats';
export * from './load';
export * from './benchmark';
export * from './schema';
export * from './hw-model';
