import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import { contextHeaders } from '@crm/observability';
import type { EventData, EventDefinition, EventOf } from '@crm/contracts';
import { MESSAGING_OPTIONS, MessagingOptions } from '../messaging.options';
import { OutboxMessage } from './outbox-message.entity';

/**
 * The only way a service publishes: `record` adds the event to the unit of work of the state
 * change, so both are committed by the same flush or neither is. The relay publishes it later.
 */
@Injectable()
export class EventOutbox {
  private readonly source: string;

  constructor(@Inject(MESSAGING_OPTIONS) options: MessagingOptions) {
    this.source = `crm/${options.service}`;
  }

  record<D extends EventDefinition>(
    em: EntityManager,
    definition: D,
    data: EventData<D>,
    options: { subject?: string } = {},
  ): EventOf<D> {
    const { event, message } = this.envelope(definition, data, options);
    em.persist(message);
    return event;
  }

  /**
   * Many events of one type as one multi-row INSERT in `em`'s transaction, for a job that records
   * thousands per batch (the churn scan): the unit of work's flush of as many rows cost a quarter
   * of such a job's time. The same contract check and envelope as `record`.
   */
  async recordMany<D extends EventDefinition>(em: EntityManager, definition: D, events: readonly { data: EventData<D>; subject?: string }[]): Promise<EventOf<D>[]> {
    const made = events.map((event) => this.envelope(definition, event.data, { subject: event.subject }));
    if (made.length) await em.insertMany(made.map(({ message }) => message));
    return made.map(({ event }) => event);
  }

  private envelope<D extends EventDefinition>(definition: D, data: EventData<D>, options: { subject?: string }): { event: EventOf<D>; message: OutboxMessage } {
    if (definition.source !== this.source) {
      throw new Error(`${this.source} may not publish ${definition.type} (owned by ${definition.source})`);
    }
    // A contract violation is a bug of ours: fail the request rather than publish it.
    const checked = definition.data.parse(data) as EventData<D>;
    const event = {
      specversion: '1.0' as const,
      id: randomUUID(),
      source: this.source,
      type: definition.type,
      time: new Date().toISOString(),
      datacontenttype: 'application/json' as const,
      ...(options.subject ? { subject: options.subject } : {}),
      data: checked,
    } as EventOf<D>;
    return { event, message: new OutboxMessage(event, contextHeaders()) };
  }
}
