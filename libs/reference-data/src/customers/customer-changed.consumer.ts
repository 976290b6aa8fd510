import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { CustomerCreatedV1, CustomerUpdatedV1, type EventData, type EventOf } from '@crm/contracts';
import { applyVersioned, ConsumeEvent } from '@crm/messaging';
import { CustomerCopy } from './customer-copy.entity';

/**
 * Named, so the inbox identity survives renaming the class or methods. Both handlers share it:
 * the inbox keys a mark by (consumer, event id), and an event id belongs to one event of one type.
 */
const CONSUMER = 'customer-copy';

type CustomerSnapshot = EventData<typeof CustomerCreatedV1> | EventData<typeof CustomerUpdatedV1>;

/**
 * Keeps the service's copy of customers. Both events carry the whole snapshot and its version, so
 * a creation, an update and a republish are one upsert, applied only if newer than the copy.
 * A @ConsumeEvent handler takes one event type, hence two methods.
 */
@Controller()
export class CustomerChangedConsumer {
  constructor(private readonly em: EntityManager) {}

  @ConsumeEvent(CustomerCreatedV1, { consumer: CONSUMER })
  async onCustomerCreated(event: EventOf<typeof CustomerCreatedV1>): Promise<void> {
    await this.apply(event.data);
  }

  @ConsumeEvent(CustomerUpdatedV1, { consumer: CONSUMER })
  async onCustomerUpdated(event: EventOf<typeof CustomerUpdatedV1>): Promise<void> {
    await this.apply(event.data);
  }

  private async apply(snapshot: CustomerSnapshot): Promise<void> {
    const { customerId, version, customerNo, name, manager, region, level, credit, satisfaction, status, updatedAt } = snapshot;
    await applyVersioned(this.em, CustomerCopy, { customerId }, version, {
      customerNo,
      name,
      managerId: manager.id,
      managerName: manager.name,
      region,
      level,
      credit,
      satisfaction,
      status,
      updatedAt: new Date(updatedAt),
    });
  }
}
