export * from './edge-metric';
