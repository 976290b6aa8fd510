export * from './identity/roles';
export * from './http/problem';
export * from './events/cloud-event';
export * from './events/common';
export * from './events/marketing.events';
export * from './events/catalogue';
export * from './events/asyncapi';
