// `@crm/service-kit/http`: what any HTTP process needs (the gateway too), without the database
// and messaging platform that `@crm/service-kit` brings for domain services.
export * from './http-setup';
export * from './problem-details.filter';
export * from './validation';
export * from './input-guards';
export * from './paging';
export * from './fields';
export * from './etag';
export * from './user-ref.dto';
export * from './problem-responses';
export * from './openapi-nullable';
export * from '../users/user-directory.module';
