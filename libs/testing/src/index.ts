export * from './amqp';
export * from './private-rabbit';
export * from './private-postgres';
export * from './service-schema';
export * from './redis';
export * from './text-index';
