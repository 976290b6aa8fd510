import { BigIntType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { CloudEvent } from '@crm/contracts';

/**
 * An event waiting to be published, written in the same transaction as the state change it
 * describes. The relay publishes rows in `seq` order and marks them sent once the broker confirms.
 */
@Entity({ tableName: 'outbox_message' })
// The relay reads the head of the unsent rows in `seq` order: with the order in the index that is
// a walk of its first rows, not a sort of every unsent row (a backlog of 860,000 made each read
// 150 ms on SQLite and the relay ~120 events/s). The purge of sent rows uses it too.
@Index({ name: 'outbox_message_pending_idx', properties: ['sentAt', 'seq'] })
export class OutboxMessage {
  /** 64-bit: at a sustained 100 events/s a 32-bit sequence runs out in about 250 days (purging does not reset it). */
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  seq!: number;

  @Property({ type: 'string', length: 36, unique: true })
  eventId: string;

  @Property({ type: 'string', length: 200 })
  type: string;

  @Property({ type: 'string', length: 100 })
  source: string;

  @Property({ type: 'string', length: 100, nullable: true })
  subject: string | null;

  @Property({ type: Date })
  time: Date;

  @Property({ type: 'json' })
  data: unknown;

  /** Message headers to send along, e.g. the W3C traceparent of the request that caused it. */
  @Property({ type: 'json' })
  headers: Record<string, string>;

  @Property({ type: Date })
  availableAt: Date;

  @Property({ type: Date, nullable: true })
  sentAt: Date | null = null;

  @Property({ type: 'integer' })
  attempts = 0;

  @Property({ type: 'string', length: 1000, nullable: true })
  lastError: string | null = null;

  /** Relay instance holding this row; lets several replicas relay without publishing twice. */
  @Property({ type: 'string', length: 100, nullable: true })
  leaseOwner: string | null = null;

  @Property({ type: Date, nullable: true })
  leaseUntil: Date | null = null;

  constructor(event: CloudEvent, headers: Record<string, string>) {
    this.eventId = event.id;
    this.type = event.type;
    this.source = event.source;
    this.subject = event.subject ?? null;
    this.time = new Date(event.time);
    this.data = event.data;
    this.headers = headers;
    this.availableAt = this.time;
  }

  toCloudEvent(): CloudEvent {
    return {
      specversion: '1.0',
      id: this.eventId,
      source: this.source,
      type: this.type,
      time: this.time.toISOString(),
      datacontenttype: 'application/json',
      ...(this.subject ? { subject: this.subject } : {}),
      data: this.data,
    };
  }
}
