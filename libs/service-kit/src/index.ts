export * from './http';
export * from './health-indicators';
export * from './service-platform.module';
export * from './bootstrap';
