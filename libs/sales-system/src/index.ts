export * from './sales-names';
export * from './sales-entities';
export * from './schema/sales-ddl';
export * from './generator/random';
export * from './generator/sales-catalogue';
export * from './generator/sales-data';
export * from './generator/demo-customers';
export * from './generator/write-sales-data';
