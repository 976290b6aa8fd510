import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { EventOf, SalesOrderRecordedV1 } from '@crm/contracts';
import { ConsumeEvent } from '@crm/messaging';
import { OrderFacts } from '../orders/order-facts';

/** sales.order.recorded.v1 → the order's fact and its contribution. */
@Controller()
export class OrderRecordedConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly orders: OrderFacts,
  ) {}

  @ConsumeEvent(SalesOrderRecordedV1, { consumer: 'order-facts' })
  async handle(event: EventOf<typeof SalesOrderRecordedV1>): Promise<void> {
    await this.orders.apply(this.em, event.data);
  }
}
