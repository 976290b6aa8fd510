export * from './load-config';
export * from './fragments';
export * from './company-calendar';
