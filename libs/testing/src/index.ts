export * from './amqp';
export * from './private-rabbit';
