import { Injectable } from '@nestjs/common';
import { ORDER_HISTORY_STATUSES, type OrderHistoryStatus } from '@crm/contracts';
import { CustomerDirectory } from '@crm/reference-data';
import { SalesOrder, SalesOrderLine } from '@crm/sales-system';
import { PageQueryDto, Page, toPage } from '@crm/service-kit';
import { calendarDate } from '../sales-db/calendar-date';
import { fromCents, lineAmountCents, toCents } from '../sales-db/money';
import { SalesDatabase } from '../sales-db/sales-database';
import { SalesSystemError, SalesSystemErrorCode } from '../sales-db/sales-system.errors';
import { OrderDetailResponse, OrderSummaryResponse } from './dto/order.dto';

/** Only shipped (5) and paid (6) orders are history (requirements §2.4). */
const HISTORY_CODES = [5, 6];

/**
 * A customer's order history, read from the sales system by the customer's number, which the
 * bridge knows from its copy of the customer service's customers (never from its database).
 */
@Injectable()
export class OrdersService {
  constructor(
    private readonly sales: SalesDatabase,
    private readonly customers: CustomerDirectory,
  ) {}

  /** Newest first: by order date, then by order number. */
  async history(customerId: string, query: PageQueryDto): Promise<Page<OrderSummaryResponse>> {
    const customerNo = await this.customerNo(customerId);
    return this.sales.read(async (em) => {
      const [orders, total] = await em.findAndCount(
        SalesOrder,
        { customerNo, status: { $in: HISTORY_CODES } },
        { orderBy: { date: 'desc', id: 'desc' }, limit: query.pageSize, offset: query.offset },
      );
      return toPage(orders.map(summary), total, query);
    });
  }

  async detail(customerId: string, orderNo: string): Promise<OrderDetailResponse> {
    const customerNo = await this.customerNo(customerId);
    const id = /^\d{1,15}$/.test(orderNo) ? Number(orderNo) : undefined;
    const notFound = () => new SalesSystemError(SalesSystemErrorCode.OrderNotFound, `Customer ${customerNo} has no shipped or paid order ${orderNo}.`);
    if (id === undefined) throw notFound();
    return this.sales.read(async (em) => {
      const order = await em.findOne(SalesOrder, { id, customerNo, status: { $in: HISTORY_CODES } });
      if (!order) throw notFound();
      const lines = await em.find(SalesOrderLine, { order: id }, { populate: ['product'], orderBy: { id: 'asc' } });
      let total = 0;
      const answered = lines.map((line) => {
        const amount = lineAmountCents(line.count, line.price);
        total += amount;
        return {
          product: line.product.name,
          productId: line.product.id,
          model: line.product.model,
          quantity: line.count,
          unit: line.unit ?? line.product.unit,
          unitPrice: fromCents(toCents(line.price)),
          amount: fromCents(amount),
        };
      });
      return { ...summary(order), lines: answered, totalAmount: fromCents(total) };
    });
  }

  private async customerNo(customerId: string): Promise<string> {
    const customer = await this.customers.byId(customerId);
    if (!customer) throw new SalesSystemError(SalesSystemErrorCode.CustomerNotFound, `No customer ${customerId}.`);
    return customer.customerNo;
  }
}

function summary(order: SalesOrder): OrderSummaryResponse {
  return {
    orderNo: String(order.id),
    orderDate: calendarDate(order.date),
    deliveryAddress: order.deliveryAddress,
    status: ORDER_HISTORY_STATUSES[order.status as 5 | 6] as OrderHistoryStatus,
  };
}
