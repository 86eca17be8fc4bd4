export * from './space';
export * from './arch';
export * from './mask';
export * from './paper-splits';
export * from './ops';
