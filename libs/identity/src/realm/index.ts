export * from './realm-export.schema';
export * from './load-realm-export';
export * from './realm-users';
export * from './realm.errors';
