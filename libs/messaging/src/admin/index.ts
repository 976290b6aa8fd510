// `@crm/messaging/admin`: dead-letter and topology administration over a connection per call,
// for processes without the messaging platform (the gateway's admin endpoint, the CLI).
export * from './admin.errors';
export type { DeadLetterDetail, DeadLetterQueueKind, DeadLetterSummary } from './dead-letter-message';
export * from './dead-letter-admin';
export * from './topology-migration';
