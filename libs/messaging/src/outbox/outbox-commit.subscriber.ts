import type { EventSubscriber, TransactionEventArgs } from '@mikro-orm/core';
import { OutboxMessage } from './outbox-message.entity';

/**
 * Pokes the relay after every commit that wrote outbox rows, so events leave right after the
 * transaction that recorded them instead of at the next poll.
 */
export class OutboxCommitSubscriber implements EventSubscriber {
  constructor(private readonly poke: () => void) {}

  afterTransactionCommit(args: TransactionEventArgs): void {
    const changeSets = args.uow?.getChangeSets() ?? [];
    if (changeSets.length === 0 || changeSets.some((cs) => cs.entity instanceof OutboxMessage)) this.poke();
  }

  afterFlush(args: { uow: { getChangeSets(): { entity: unknown }[] } }): void {
    // Flushes outside an explicit transaction commit implicitly; afterTransactionCommit covers
    // them too on SQL drivers, but an extra poke is cheap and keeps latency low either way.
    if (args.uow.getChangeSets().some((cs) => cs.entity instanceof OutboxMessage)) this.poke();
  }
}
