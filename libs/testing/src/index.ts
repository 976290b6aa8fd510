export * from './amqp';
