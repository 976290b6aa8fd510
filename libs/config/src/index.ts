export * from './load-config';
export * from './fragments';
