export * from './realm';
export * from './directory';
export * from './dev-provider';
