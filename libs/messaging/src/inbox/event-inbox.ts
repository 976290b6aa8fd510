import { Injectable } from '@nestjs/common';
import { EntityManager, MikroORM, UniqueConstraintViolationException } from '@mikro-orm/core';
import { InboxMessage } from './inbox-message.entity';

export type InboxOutcome = 'applied' | 'duplicate';

/** The consumer's mark for this event exists already: another delivery applied it. */
class AlreadyMarked extends Error {}

/**
 * Exactly-once effect for at-least-once delivery: the consumer's mark and the event's effect are
 * committed in one transaction, so a redelivered event is recognised and changes nothing, and an
 * effect that fails leaves no mark (the event is retried).
 */
@Injectable()
export class EventInbox {
  constructor(private readonly orm: MikroORM) {}

  async runOnce(
    consumer: string,
    event: { id: string; type: string },
    effect: (em: EntityManager) => Promise<unknown>,
  ): Promise<InboxOutcome> {
    try {
      return await this.orm.em.fork().transactional(async (em) => {
        if (await em.findOne(InboxMessage, { consumer, eventId: event.id })) return 'duplicate';
        // The mark goes in first: a concurrent duplicate on another replica now fails on the key.
        em.persist(new InboxMessage(consumer, event.id, event.type));
        try {
          await em.flush();
        } catch (error) {
          if (error instanceof UniqueConstraintViolationException) throw new AlreadyMarked();
          throw error;
        }
        // A unique violation from here on is the handler's own failure: retried, not a duplicate.
        await effect(em);
        return 'applied';
      });
    } catch (error) {
      if (error instanceof AlreadyMarked) return 'duplicate';
      throw error;
    }
  }

  async hasProcessed(consumer: string, eventId: string): Promise<boolean> {
    return (await this.orm.em.fork().count(InboxMessage, { consumer, eventId })) > 0;
  }
}
