export * from './http/problem-details.filter';
export * from './http/validation';
export * from './http/paging';
export * from './http/problem-responses';
export * from './users/user-directory.module';
export * from './health-indicators';
export * from './service-platform.module';
export * from './bootstrap';
