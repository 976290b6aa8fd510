import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/core';
import type { EventData, SalesOrderRecordedV1 } from '@crm/contracts';
import { Clock } from '../churn/clock';
import { CloseOnReorder } from '../churn/close-on-reorder';
import { CustomerOrderActivity } from './customer-order-activity.entity';

type OrderRecorded = EventData<typeof SalesOrderRecordedV1>;

/**
 * What the customer service keeps of the sales system's orders: each customer number's latest
 * order date (for the churn scan), and an open churn warning closed when the customer turns out to
 * have ordered. Every order counts, whatever its status: an order placed is an order. Orders arrive
 * in any order and more than once; the latest date only ever moves forward.
 */
@Injectable()
export class OrderActivity {
  constructor(
    private readonly closeOnReorder: CloseOnReorder,
    private readonly clock: Clock,
  ) {}

  /** Within the consuming handler's transaction (`em`). */
  async record(em: EntityManager, order: OrderRecorded): Promise<void> {
    await this.keepLatest(em, order);
    await this.closeOnReorder.execute(em, order);
  }

  /**
   * The later of what is kept and this order (by date, then order number so that two orders of one
   * day settle the same way in any arrival order), in one conditional UPDATE; the first order of a
   * number inserts. Two first orders of one number at once: one insert fails on the key, and its
   * event is retried (the consumer's own failure), then finds the row.
   */
  private async keepLatest(em: EntityManager, order: OrderRecorded): Promise<void> {
    const values = { lastOrderDate: order.orderDate, lastOrderNo: order.orderNo, updatedAt: this.clock.now() };
    const updated = await em.nativeUpdate(
      CustomerOrderActivity,
      {
        customerNo: order.customerNo,
        $or: [{ lastOrderDate: { $lt: order.orderDate } }, { lastOrderDate: order.orderDate, lastOrderNo: { $lt: order.orderNo } }],
      },
      values,
    );
    if (updated > 0 || (await em.count(CustomerOrderActivity, { customerNo: order.customerNo })) > 0) return;
    await em.insert(CustomerOrderActivity, { customerNo: order.customerNo, ...values });
  }
}
