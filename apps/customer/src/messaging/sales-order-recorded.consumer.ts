import { Controller } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/core';
import { EventOf, SalesOrderRecordedV1 } from '@crm/contracts';
import { ConsumeEvent, PermanentEventError } from '@crm/messaging';
import { CUSTOMER_NO_LENGTH, ORDER_NO_LENGTH } from '../orders/customer-order-activity.entity';
import { OrderActivity } from '../orders/order-activity';

/** sales.order.recorded.v1 → the customer's latest order date, and the churn warning a reorder closes. */
@Controller()
export class SalesOrderRecordedConsumer {
  constructor(
    private readonly em: EntityManager,
    private readonly orders: OrderActivity,
  ) {}

  @ConsumeEvent(SalesOrderRecordedV1, { consumer: 'order-activity' })
  async handle(event: EventOf<typeof SalesOrderRecordedV1>): Promise<void> {
    // The contract bounds neither; the sales system's are shorter. A longer one can never be kept: dead-letter it, with why.
    if (event.data.customerNo.length > CUSTOMER_NO_LENGTH || event.data.orderNo.length > ORDER_NO_LENGTH) {
      throw new PermanentEventError(`order ${event.data.orderNo.slice(0, 60)} of customer ${event.data.customerNo.slice(0, 60)}: a number longer than this service keeps`);
    }
    await this.orders.record(this.em, event.data);
  }
}
