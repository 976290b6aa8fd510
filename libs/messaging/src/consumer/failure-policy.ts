import {
  ConnectionException,
  DeadlockException,
  LockWaitTimeoutException,
  ValidationError,
} from '@mikro-orm/core';
import { PermanentEventError } from './consume-event.decorator';

/**
 * A failure that says nothing about the message: a dependency was unavailable (database failover,
 * a lock or deadlock, a broker hiccup, a handler that ran out of time). Such a message is waited
 * out with growing delays for as long as `transientRetryMinutes`, not dead-lettered after a few
 * quick tries. Handlers may throw it themselves when a dependency they call is down.
 */
export class TransientEventError extends Error {}

/** The handler ran past its time limit; it is retried later (and its late commit, if any, is absorbed by the inbox). */
export class HandlerTimeoutError extends TransientEventError {}

export type FailureKind = 'transient' | 'permanent' | 'failure';

/** Network-level error codes of Node and the database drivers (pg, tedious, better-sqlite3). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'ESOCKET',
  'ETIMEOUT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  '57P01', // admin_shutdown: the server is going down (failover)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting
  '40001', // serialization_failure
]);

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    current = cause;
  }
  return codes;
}

/**
 * transient → wait it out; permanent → dead-letter now; failure → count it, dead-letter after
 * `deliveryLimit` attempts. An error that is not recognisably transient is still treated as
 * transient when the database does not answer at that moment (`databaseUp` false): a handler
 * cannot fail "for real" against a database it cannot reach.
 */
export function classifyFailure(error: unknown, databaseUp: boolean): FailureKind {
  if (error instanceof PermanentEventError || error instanceof ValidationError) return 'permanent';
  if (error instanceof TransientEventError) return 'transient';
  if (error instanceof ConnectionException || error instanceof DeadlockException || error instanceof LockWaitTimeoutException) {
    return 'transient';
  }
  if (codesOf(error).some((code) => TRANSIENT_CODES.has(code) || code.startsWith('08'))) return 'transient';
  return databaseUp ? 'failure' : 'transient';
}
