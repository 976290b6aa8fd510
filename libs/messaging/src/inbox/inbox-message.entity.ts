import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Marks that a consumer has applied an event. Written in the same transaction as the event's
 * effect, so a redelivered event (same CloudEvents id) finds its mark and changes nothing.
 */
@Entity({ tableName: 'inbox_message' })
export class InboxMessage {
  @PrimaryKey({ type: 'string', length: 200 })
  consumer: string;

  @PrimaryKey({ type: 'string', length: 200 })
  eventId: string;

  @Property({ type: 'string', length: 200 })
  eventType: string;

  @Property({ type: Date })
  processedAt: Date = new Date();

  constructor(consumer: string, eventId: string, eventType: string) {
    this.consumer = consumer;
    this.eventId = eventId;
    this.eventType = eventType;
  }
}
