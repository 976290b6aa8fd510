import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { EventOf, OpportunitySucceededV1 } from '@crm/contracts';
import { ConsumeEvent } from '@crm/messaging';
import { CustomerFromOpportunity } from '../customers/customer-from-opportunity';

/** marketing.opportunity.succeeded.v1 → the customer it leads to, once however often it arrives. */
@Controller()
export class OpportunitySucceededConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly customerFromOpportunity: CustomerFromOpportunity,
  ) {}

  @ConsumeEvent(OpportunitySucceededV1, { consumer: 'customer-from-opportunity' })
  async handle(event: EventOf<typeof OpportunitySucceededV1>): Promise<void> {
    await this.customerFromOpportunity.execute(this.em, event.data);
  }
}
