export * from './dictionary/dictionary-lookup';
export * from './dictionary/dictionary.errors';
export * from './dictionary/dictionary-copy-item.entity';
export * from './dictionary/dictionary-changed.consumer';
export * from './dictionary/dictionary-copy.lookup';
export * from './dictionary/dictionary-copy.module';
