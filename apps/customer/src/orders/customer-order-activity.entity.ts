import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Our customer numbers' length (customer.customer_no) and the longest order number kept. */
export const CUSTOMER_NO_LENGTH = 20;
export const ORDER_NO_LENGTH = 50;

/**
 * The latest order the sales system has for a customer number (from sales.order.recorded.v1), for
 * the churn scan. Keyed by the number, not by a customer row: an order seen before its customer
 * exists here is kept, and counts once the customer does.
 */
@Entity({ tableName: 'customer_order_activity' })
export class CustomerOrderActivity {
  @PrimaryKey({ type: 'string', length: CUSTOMER_NO_LENGTH })
  customerNo: string;

  /** The latest order date seen, YYYY-MM-DD (never moves back). */
  @Property({ type: 'date' })
  lastOrderDate: string;

  /** That order's number (of orders on one day, the greatest). */
  @Property({ type: 'string', length: ORDER_NO_LENGTH })
  lastOrderNo: string;

  @Property({ type: Date })
  updatedAt: Date;

  constructor(customerNo: string, lastOrderDate: string, lastOrderNo: string, updatedAt: Date) {
    this.customerNo = customerNo;
    this.lastOrderDate = lastOrderDate;
    this.lastOrderNo = lastOrderNo;
    this.updatedAt = updatedAt;
  }
}
