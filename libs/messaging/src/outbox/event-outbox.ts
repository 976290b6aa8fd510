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
    em.persist(new OutboxMessage(event, contextHeaders()));
    return event;
  }
}
