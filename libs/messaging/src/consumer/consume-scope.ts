import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import { PermanentEventError } from './consume-event.decorator';

/** A handler wrote through an EntityManager outside the transaction that holds its inbox mark. */
export class ForeignTransactionError extends PermanentEventError {}

interface ConsumeScope {
  consumer: string;
  eventId: string;
}

const scope = new AsyncLocalStorage<ConsumeScope>();

/** Runs a handler so that any transaction it opens on its own fails loudly (see ConsumeScopeGuard). */
export function runInConsumeScope<T>(current: ConsumeScope, work: () => Promise<T>): Promise<T> {
  return scope.run(current, work);
}

/**
 * The inbox is exactly-once only if the handler's writes commit with the inbox mark. While a
 * handler runs, the injected EntityManager resolves to the transaction's (request context); a fork, or `orm.em.fork().transactional(...)`, would start a transaction of
 * its own and commit apart from the mark. Every new top-level transaction started while a handler
 * runs is refused here, which fails the handler with a permanent error (a bug to fix, not a
 * failure to retry). Savepoints inside the handler's transaction are fine.
 */
export class ConsumeScopeGuard implements EventSubscriber {
  beforeTransactionStart(args: TransactionEventArgs): void {
    const current = scope.getStore();
    if (!current || args.transaction) return;
    throw new ForeignTransactionError(
      `${current.consumer} opened a transaction of its own while applying event ${current.eventId}; ` +
        'use the injected EntityManager (it is the transaction’s while the handler runs), so the effect commits with the inbox mark',
    );
  }
}

/** Leaves the consume scope for work that must be independent of the handler (e.g. the inbox itself). */
export function outsideConsumeScope<T>(work: () => T): T {
  return scope.exit(work);
}
