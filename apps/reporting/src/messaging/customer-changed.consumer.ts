import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { CustomerCreatedV1, CustomerUpdatedV1, EventOf } from '@crm/contracts';
import { ConsumeEvent } from '@crm/messaging';
import { CustomerFacts } from '../customers/customer-facts';

/** Both events carry the whole snapshot: one inbox identity, one fact, two handlers (one per type). */
const CONSUMER = 'customer-facts';

/** customer.customer.created|updated.v1 → the customer's fact and its composition. */
@Controller()
export class CustomerChangedConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly customers: CustomerFacts,
  ) {}

  @ConsumeEvent(CustomerCreatedV1, { consumer: CONSUMER })
  async onCreated(event: EventOf<typeof CustomerCreatedV1>): Promise<void> {
    await this.customers.apply(this.em, event.data);
  }

  @ConsumeEvent(CustomerUpdatedV1, { consumer: CONSUMER })
  async onUpdated(event: EventOf<typeof CustomerUpdatedV1>): Promise<void> {
    await this.customers.apply(this.em, event.data);
  }
}
